import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_TIMEOUT_MS } from '../../shared/limits';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { ChromeUser } from '../support/chrome-extension';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

/** Milliseconds since `start`, to one decimal. */
const since = (start: number): number => Math.round((performance.now() - start) * 10) / 10;

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('chat between two Chrome users', () => {
  let server: TestServer;
  const users: ChromeUser[] = [];
  let alice: ChromeUser;
  let bob: ChromeUser;
  let alicePopup: PopupPage;
  let bobPopup: PopupPage;

  beforeAll(async () => {
    server = await startTestServer();
    [alice, bob] = await Promise.all([ChromeUser.launch(), ChromeUser.launch()]);
    users.push(alice, bob);
  });
  afterAll(async () => {
    await Promise.all(users.map((user) => user.close()));
    await server.close();
  });

  it('lists nobody at first; Alice adds Bob by name, Bob accepts her request, and each sees the other online', async () => {
    [alicePopup, bobPopup] = await Promise.all([alice.openPopup(), bob.openPopup()]);
    await alicePopup.chooseName('Alice', server.url);
    await bobPopup.chooseName('Bob', server.url);
    await Promise.all([alicePopup.waitOnline(), bobPopup.waitOnline()]);
    expect(await alicePopup.page.getByTestId('self-name').textContent()).toBe('Alice');
    // Signed in, nobody is listed: the server tells no one who else uses it.
    expect(await alicePopup.page.getByTestId('contact').count()).toBe(0);
    expect(await bobPopup.page.getByTestId('contact').count()).toBe(0);

    await alicePopup.addContact('Bob', 'Hi Bob, it is Alice');
    await alicePopup.outgoingRequest('Bob').waitFor();
    await bobPopup.request('Alice').waitFor();
    // A request notifies nobody: no badge until Bob accepts.
    expect(await bobPopup.badgeText()).toBe('');
    await bobPopup.acceptRequest('Alice');
    await Promise.all([alicePopup.waitContactOnline('Bob'), bobPopup.waitContactOnline('Alice')]);
    await bobPopup.openChat('Alice');
    await bobPopup.message('Hi Bob, it is Alice').waitFor();
  });

  it("delivers a message typed in Alice's popup to Bob's popup over a direct data channel", async () => {
    const connectStart = performance.now();
    await alicePopup.openChat('Bob');
    await alicePopup.waitDirect('Bob');
    const connectMs = since(connectStart);

    const sendStart = performance.now();
    await alicePopup.send('Hello Bob, this is peer to peer');
    await bobPopup.openChat('Alice');
    await bobPopup.message('Hello Bob, this is peer to peer').waitFor();
    const deliveryMs = since(sendStart);

    const roundTripStart = performance.now();
    await bobPopup.send('Hi Alice');
    await alicePopup.message('Hi Alice').waitFor();
    const replyMs = since(roundTripStart);
    console.info(
      `[figures] connect (click to direct link): ${connectMs} ms; first message typed-to-shown: ${deliveryMs} ms; reply typed-to-shown: ${replyMs} ms`,
    );

    // The server only introduced the peers: one offer was relayed, no message passed through it.
    expect(server.app.signalMetrics.relayed.OFFER).toBe(1);
    expect(server.logs.join('')).not.toContain('Hello Bob');
  });

  it('shows the same safety number on both sides, with a QR code', async () => {
    const [aliceSees, bobSees] = await Promise.all([alicePopup.safetyNumber(), bobPopup.safetyNumber()]);
    expect(aliceSees).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(bobSees).toBe(aliceSees);
    await alicePopup.page.getByRole('img', { name: 'Safety number as a QR code' }).waitFor();
  });

  it('renders message text as text, never as HTML', async () => {
    const hostile = '<img src=x onerror="document.title=\'pwned\'"><b>bold</b>';
    await alicePopup.send(hostile);
    await bobPopup.expectNoHtmlIn(hostile);
    expect(await bobPopup.page.title()).not.toBe('pwned');
  });

  it('keeps the connection when the popup is closed and reopened (no new peer connection)', async () => {
    const before = await alicePopup.diagnostics();
    const offersBefore = server.app.signalMetrics.relayed.OFFER;
    await alicePopup.close();
    alicePopup = await alice.openPopup();
    await alicePopup.waitOnline();
    // Closed on Bob's conversation, it opens on it again (browser.storage.session), the list behind it.
    await alicePopup.conversationTitle('Bob').waitFor();
    expect(await alicePopup.page.locator('.screen:not([inert]) .conversation-list').count()).toBe(0);
    // History comes back from the engine, and the link is already up.
    await alicePopup.message('Hello Bob, this is peer to peer').waitFor();
    await alicePopup.waitDirect('Bob');
    await alicePopup.send('Still here after reopening');
    await bobPopup.message('Still here after reopening').waitFor();

    const after = await alicePopup.diagnostics();
    expect(after.peerConnectionsCreated).toBe(before.peerConnectionsCreated);
    expect(after.startedAt).toBe(before.startedAt);
    expect(server.app.signalMetrics.relayed.OFFER).toBe(offersBefore);
  });

  it('keeps a quiet link alive with heartbeats, which never show as messages', async () => {
    const before = await alicePopup.diagnostics();
    const shown = (await bobPopup.messageTexts()).length;
    // Longer than the silence after which a link counts as dead: only heartbeats keep it.
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_TIMEOUT_MS + 3_000));
    await alicePopup.waitDirect('Bob');
    await bobPopup.waitDirect('Alice');
    expect((await alicePopup.diagnostics()).peerConnectionsCreated).toBe(before.peerConnectionsCreated);
    expect(await bobPopup.messageTexts()).toHaveLength(shown);
  });

  it('still delivers after the MV3 service worker is stopped', async () => {
    await alice.stopServiceWorker();
    const types = (await alice.extensionTargets()).map((target) => target.type);
    expect(types).not.toContain('service_worker');
    expect(types).toContain('background_page'); // the offscreen document lives on

    await alicePopup.send('Sent while the service worker is stopped');
    await bobPopup.message('Sent while the service worker is stopped').waitFor();
    await bobPopup.send('And back again');
    await alicePopup.message('And back again').waitFor();

    // A newly opened popup wakes the worker, which finds the engine already running.
    const reopened = await alice.openPopup();
    await reopened.waitOnline();
    expect((await reopened.diagnostics()).startedAt).toBe((await alicePopup.diagnostics()).startedAt);
    await reopened.close();
  });

  it('shows messages that arrive while the popup is closed on the toolbar badge, until they are read', async () => {
    // Left on the list: a popup closed on a conversation opens on it again (and reads what came meanwhile).
    await bobPopup.showList();
    await bobPopup.close();
    await alicePopup.send('While you were away');
    bobPopup = await bob.openPopup();
    await vi.waitFor(async () => expect(await bobPopup.badgeText()).toBe('1'));
    await bobPopup.contact('Alice').getByTestId('unread').filter({ hasText: '1' }).waitFor();
    // This new page saw no message: the engine's list puts the conversation first, previewing its newest.
    const first = bobPopup.page.locator('[data-conversation]').first();
    await first.getByTestId('row-preview').filter({ hasText: 'While you were away' }).waitFor();
    expect(await first.getByTestId('row-preview').textContent()).toBe('While you were away');
    expect(await first.getAttribute('data-conversation')).toBe(await alicePopup.selfId());
    await bobPopup.openChat('Alice');
    await bobPopup.message('While you were away').waitFor();
    await vi.waitFor(async () => expect(await bobPopup.badgeText()).toBe(''));
  });

  it('keeps a contact who went offline in the list, with the history readable and the composer saying where messages wait', async () => {
    await bob.close();
    const bobOffline = alicePopup.contact('Bob').getByText('offline');
    await bobOffline.waitFor();
    expect(await alicePopup.contact('Bob').getByText('direct').count()).toBe(0);
    await alicePopup.openChat('Bob');
    await alicePopup.message('Hello Bob, this is peer to peer').waitFor();
    const composer = alicePopup.page.getByRole('textbox', { name: /^Message to Bob/ });
    expect(await composer.isDisabled()).toBe(false);
    expect(await composer.getAttribute('placeholder')).toContain('Bob is offline');
    expect(await alicePopup.page.getByTestId('link-path').textContent()).toContain(
      'messages wait on the server',
    );
  });
});
