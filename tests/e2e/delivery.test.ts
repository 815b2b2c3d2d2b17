import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { ChromeUser, onlineUsers } from '../support/chrome-extension';
import type { PopupPage } from '../support/popup-page';
import { startIceBlockingProxy, type BlockingProxy } from '../support/ice-blocking-proxy';
import { startTestServer, type TestServer } from '../support/server';
import { MAX_MAIL_FETCH_BYTES } from '../../shared/limits';

const ms = (start: number): number => Math.round(performance.now() - start);
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Every text, and how often it shows: a message lost or shown twice fails the test. */
async function expectExactlyOnce(popup: PopupPage, texts: string[]): Promise<void> {
  for (const text of texts) await popup.message(text).waitFor();
  const shown = await popup.messageTexts();
  const counts = texts.map((text) => shown.filter((candidate) => candidate === text).length);
  expect(counts).toEqual(texts.map(() => 1));
  // In the order they were sent.
  expect(shown.filter((text) => texts.includes(text))).toEqual(texts);
}

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('delivery that loses nothing', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'signal-data-'));
  let server: TestServer;
  let alice: ChromeUser;
  let bob: ChromeUser;
  let alicePopup: PopupPage;
  let bobPopup: PopupPage;
  let lost = 0;

  beforeAll(async () => {
    server = await startTestServer({ dataDir });
    const online = await onlineUsers(['Alice', 'Bob'], server.url);
    [alice, bob] = online.users as [ChromeUser, ChromeUser];
    [alicePopup, bobPopup] = online.popups as [PopupPage, PopupPage];
    await alicePopup.openChat('Bob');
    await alicePopup.waitDirect('Bob');
  });
  afterAll(async () => {
    console.info(`[figures] messages lost in the delivery fault tests: ${lost}`);
    await Promise.all([alice.close(), bob.close()]);
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers mail sent while Bob was offline exactly once, after a server restart and with his service worker stopped', async () => {
    const bobId = await bobPopup.selfId();
    await bobPopup.lock();
    await alicePopup.contact('Bob').getByText('offline').waitFor();
    const texts = ['while you were away 1', 'while you were away 2', 'while you were away 3'];
    for (const text of texts) await alicePopup.send(text);
    for (const text of texts) {
      await alicePopup.waitStatus(text, 'sent');
      expect(await alicePopup.pathOf(text)).toBe('via server');
    }
    // The server holds them, as ciphertext only: no text in any byte of its data folder.
    expect(
      (await server.stores.mailbox.fetch(bobId, { maxItems: 10, maxBytes: MAX_MAIL_FETCH_BYTES }, Date.now()))
        .items,
    ).toHaveLength(3);
    const onDisk = readdirSync(dataDir)
      .map((file) => readFileSync(join(dataDir, file)).toString('latin1'))
      .join('');
    expect(onDisk).toContain(bobId);
    for (const text of texts) expect(onDisk).not.toContain(text);

    // The server restarts on the same data folder; Bob's service worker is stopped as Chrome does.
    await server.close();
    server = await startTestServer({ dataDir, port: server.port });
    await bob.stopServiceWorker();

    const unlocked = performance.now();
    await bobPopup.unlock();
    await bobPopup.waitOnline();
    await bobPopup.openChat('Alice');
    for (const text of texts) await bobPopup.message(text).waitFor();
    const mailboxMs = ms(unlocked);
    await expectExactlyOnce(bobPopup, texts).catch((error: unknown) => {
      lost += texts.length;
      throw error;
    });
    // Alice (reconnected by herself) learns they were read; the server's mailbox is empty again.
    for (const text of texts) await alicePopup.waitStatus(text, 'read');
    expect(
      (await server.stores.mailbox.fetch(bobId, { maxItems: 10, maxBytes: MAX_MAIL_FETCH_BYTES }, Date.now()))
        .items,
    ).toEqual([]);
    console.info(
      `[figures] mailbox: unlock to 3 messages shown, through a restarted server: ${mailboxMs} ms`,
    );
  });

  it('delivers what Alice typed while her network was down, once it is back', async () => {
    await bobPopup.lock();
    await alicePopup.contact('Bob').getByText('offline').waitFor();
    await alice.setEngineOffline(true);
    await alicePopup.status().filter({ hasNotText: 'Online' }).waitFor();
    await alicePopup.send('typed offline');
    await alicePopup.waitStatus('typed offline', 'sending');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await alicePopup.waitStatus('typed offline', 'sending'); // still waiting, not lost, not failed

    await alice.setEngineOffline(false);
    await alicePopup.waitStatus('typed offline', 'sent');
    await bobPopup.unlock();
    await bobPopup.waitOnline();
    await bobPopup.openChat('Alice');
    await expectExactlyOnce(bobPopup, ['typed offline']).catch((error: unknown) => {
      lost += 1;
      throw error;
    });
    await alicePopup.waitStatus('typed offline', 'read');
  });
});

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))(
  'the relay path, when no data channel can open',
  () => {
    let server: TestServer;
    let proxy: BlockingProxy;
    let users: ChromeUser[] = [];
    let carolPopup: PopupPage;
    let davePopup: PopupPage;

    beforeAll(async () => {
      server = await startTestServer();
      // Dave reaches the server through a middlebox that drops every ICE candidate.
      proxy = await startIceBlockingProxy(server.url);
      const online = await onlineUsers(['Carol', 'Dave'], [server.url, proxy.url]);
      users = online.users;
      [carolPopup, davePopup] = online.popups as [PopupPage, PopupPage];
    });
    afterAll(async () => {
      await Promise.all(users.map((user) => user.close()));
      await proxy.close();
      await server.close();
    });

    it('relays through the server, says so, and delivers both ways', async () => {
      await carolPopup.openChat('Dave');
      await davePopup.openChat('Carol');

      await carolPopup.send('can you hear me?');
      await davePopup.message('can you hear me?').waitFor();
      await carolPopup.waitStatus('can you hear me?', 'read');
      expect(await carolPopup.pathOf('can you hear me?')).toBe('via server');
      expect(await carolPopup.page.getByTestId('link-path').textContent()).toBe(
        'Through the server (encrypted)',
      );
      expect(await carolPopup.contact('Dave').getByText('direct').count()).toBe(0);
      expect(await davePopup.bubble('can you hear me?').getByTestId('message-path').textContent()).toBe(
        'via server',
      );

      await davePopup.send('loud and clear');
      await carolPopup.message('loud and clear').waitFor();

      // Relay latency, once the relay is the path: typed in one popup, shown in the other.
      const latencies: number[] = [];
      for (let i = 0; i < 10; i++) {
        const start = performance.now();
        await carolPopup.send(`relayed ${i}`);
        await davePopup.message(`relayed ${i}`).waitFor();
        latencies.push(ms(start));
      }
      expect((await davePopup.messageTexts()).filter((text) => text.startsWith('relayed '))).toHaveLength(10);
      console.info(
        `[figures] relay: typed-to-shown p50 ${median(latencies)} ms, max ${Math.max(...latencies)} ms (10 messages)`,
      );
    });
  },
);
