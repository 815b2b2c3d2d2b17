import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { onlineUsers, type ChromeUser } from '../support/chrome-extension';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

interface PickedFile {
  readonly name: string;
  readonly mimeType: string;
  readonly buffer: Buffer;
}

/**
 * Presses the paperclip of the conversation open in `popup`, picks `files` in the share window it opens (which
 * names `to`, chosen for it) and sends them; returns the share window's address.
 */
async function attachAndSend(
  user: ChromeUser,
  popup: PopupPage,
  to: string,
  files: PickedFile[],
): Promise<URL> {
  const opened = user.context.waitForEvent('page', {
    predicate: (page) => new URL(page.url()).pathname === '/share.html',
  });
  await popup.page.getByRole('button', { name: 'Send a file', exact: true }).click();
  const share = await opened;
  await share.getByLabel('Choose files').setInputFiles(files);
  await share.getByRole('button', { name: 'Send', exact: true }).click();
  await share
    .getByRole('status')
    .filter({ hasText: `Sent to ${to}.` })
    .waitFor();
  const address = new URL(share.url());
  await share.close();
  return address;
}

/** The card of the file named `name` in the conversation open in `popup`. */
const fileCard = (popup: PopupPage, name: string): Locator =>
  popup.page
    .getByTestId('file-card')
    .filter({ has: popup.page.getByTestId('file-name').getByText(name, { exact: true }) });

/** Presses a card's Accept, Decline or Cancel, named after the action and the file, as a user does. */
const press = (popup: PopupPage, name: string, action: 'Accept' | 'Decline' | 'Cancel'): Promise<void> =>
  fileCard(popup, name)
    .getByRole('button', { name: `${action} ${name}`, exact: true })
    .click();

/** The line a file card shows for its transfer (or, sent to a room, its summary). */
const statusOf = (card: Locator): Locator => card.getByTestId('transfer-status').first();

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('file cards in the popup (Chrome)', () => {
  let server: TestServer;
  let users: ChromeUser[] = [];
  let alice: ChromeUser;
  let alicePopup: PopupPage;
  let bobPopup: PopupPage;
  let carolPopup: PopupPage;

  beforeAll(async () => {
    server = await startTestServer();
    let popups: PopupPage[];
    ({ users, popups } = await onlineUsers(['Alice', 'Bob', 'Carol'], server.url));
    alice = users[0] as ChromeUser;
    [alicePopup, bobPopup, carolPopup] = popups as [PopupPage, PopupPage, PopupPage];
  }, 120_000);
  afterAll(async () => {
    await Promise.all(users.map((user) => user.close()));
    await server.close();
  });

  it('sends from the paperclip of a conversation; each card says where the file stands, on both sides', async () => {
    await alicePopup.openChat('Bob');
    const address = await attachAndSend(alice, alicePopup, 'Bob', [
      { name: 'minutes.txt', mimeType: 'text/plain', buffer: Buffer.from('the minutes of the meeting\n') },
      { name: 'declined.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2500, 1) },
    ]);
    // The window was opened for this conversation.
    expect(address.searchParams.get('to')).toMatch(/^[0-9a-f]{32}$/);

    await statusOf(fileCard(alicePopup, 'minutes.txt'))
      .filter({ hasText: 'Waiting for an answer' })
      .waitFor();
    await bobPopup.openChat('Alice');
    const offered = fileCard(bobPopup, 'minutes.txt');
    await statusOf(offered).filter({ hasText: 'Offered to you: accept to receive it' }).waitFor();
    expect(await offered.getByTestId('file-size').textContent()).toBe('27 B');
    expect(await fileCard(bobPopup, 'declined.bin').getByTestId('file-size').textContent()).toBe('2.5 kB');

    await press(bobPopup, 'minutes.txt', 'Accept');
    // Named as the downloads saved it (under Playwright, a name of its own: files.test.ts checks real names).
    await statusOf(offered)
      .filter({ hasText: /^Saved as \S/ })
      .waitFor();
    await statusOf(fileCard(alicePopup, 'minutes.txt')).filter({ hasText: 'Delivered' }).waitFor();
    await press(bobPopup, 'declined.bin', 'Decline');
    await statusOf(fileCard(alicePopup, 'declined.bin')).filter({ hasText: 'Declined' }).waitFor();
    // Settled: no button left on either card, and nothing under way.
    for (const card of [fileCard(alicePopup, 'declined.bin'), fileCard(bobPopup, 'minutes.txt')])
      expect(await card.getByRole('button').count()).toBe(0);
    for (const popup of [alicePopup, bobPopup])
      expect(await popup.page.getByTestId('transfers-toggle').textContent()).toBe('Transfers');
  });

  it("sums up a file sent to a room from its members' answers, and shows each member's", async () => {
    await alicePopup.createRoom('Files');
    await alicePopup.inviteToRoom('Bob');
    await alicePopup.inviteToRoom('Carol');
    for (const member of [bobPopup, carolPopup]) {
      await member.room('Files').getByText('invited').waitFor();
      await member.openRoom('Files');
      await member.acceptInvitation();
    }
    for (const name of ['Bob', 'Carol'])
      await alicePopup.page.getByTestId('room-members').getByText(`${name} (online)`).waitFor();
    // Folded again, the room's options leave the messages their room in the popup.
    await alicePopup.page.getByText('Invite people, list the room, or leave').click();

    await attachAndSend(alice, alicePopup, 'Files', [
      { name: 'agenda.txt', mimeType: 'text/plain', buffer: Buffer.from('1. files\n2. rooms\n') },
    ]);
    const sent = fileCard(alicePopup, 'agenda.txt');
    const summary = sent.getByTestId('room-summary');
    await summary.filter({ hasText: '0 of 2 received, 2 not answered' }).waitFor();

    await press(bobPopup, 'agenda.txt', 'Accept');
    await summary.filter({ hasText: '1 of 2 received, 1 not answered' }).waitFor();
    await press(carolPopup, 'agenda.txt', 'Decline');
    await summary.filter({ hasText: '1 of 2 received, 1 declined' }).waitFor();

    await sent.getByText('Each member').click();
    const members = sent.getByTestId('member-transfer');
    await members.filter({ hasText: 'Bob' }).getByText('Delivered').waitFor();
    await members.filter({ hasText: 'Carol' }).getByText('Declined').waitFor();
    expect(await sent.getByRole('button', { name: 'Cancel agenda.txt for everyone' }).count()).toBe(0);
  });

  it('lists a transfer waiting for a connection under Transfers, where Cancel stops it on both sides', async () => {
    await alicePopup.openChat('Bob');
    await attachAndSend(alice, alicePopup, 'Bob', [
      { name: 'later.txt', mimeType: 'text/plain', buffer: Buffer.from('for when we are both here\n') },
    ]);
    await bobPopup.openChat('Alice');
    await fileCard(bobPopup, 'later.txt').getByRole('button', { name: 'Accept later.txt' }).waitFor();
    // Locked, Alice's engine drops its links: an accepted file waits for one.
    await alicePopup.lock();
    await bobPopup.contact('Alice').getByText('direct').waitFor({ state: 'detached' });
    await press(bobPopup, 'later.txt', 'Accept');
    await statusOf(fileCard(bobPopup, 'later.txt'))
      .filter({ hasText: 'Waiting for a direct connection…' })
      .waitFor();

    const toggle = bobPopup.page.getByTestId('transfers-toggle');
    await toggle.filter({ hasText: 'Transfers1 under way' }).waitFor();
    await toggle.click();
    const panel = bobPopup.page.getByRole('region', { name: 'Transfers' });
    const row = panel.getByTestId('transfer-row').filter({ hasText: 'later.txt' });
    await row.getByText('from Alice').waitFor();
    await row.getByRole('button', { name: 'Cancel later.txt from Alice', exact: true }).click();
    await row.waitFor({ state: 'detached' });
    await statusOf(fileCard(bobPopup, 'later.txt'))
      .filter({ hasText: /^Cancelled/ })
      .waitFor();

    await alicePopup.unlock();
    await alicePopup.waitOnline();
    await alicePopup.openChat('Bob');
    await statusOf(fileCard(alicePopup, 'later.txt'))
      .filter({ hasText: /^Cancelled/ })
      .waitFor();
  });
});
