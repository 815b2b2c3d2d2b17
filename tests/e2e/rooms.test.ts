import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { onlineUsers, type ChromeUser } from '../support/chrome-extension';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('a room of three browsers', () => {
  let server: TestServer;
  const users: ChromeUser[] = [];
  let alice: PopupPage;
  let bob: PopupPage;
  let carol: PopupPage;

  beforeAll(async () => {
    server = await startTestServer();
    const online = await onlineUsers(['Alice', 'Bob', 'Carol'], server.url);
    users.push(...online.users);
    [alice, bob, carol] = online.popups as [PopupPage, PopupPage, PopupPage];
  });
  afterAll(async () => {
    await Promise.all(users.map((user) => user.close()));
    await server.close();
  });

  /** Sends `text` from `sender` and waits until every other open popup shows it. */
  async function say(sender: PopupPage, text: string, readers: PopupPage[]): Promise<void> {
    await sender.send(text);
    for (const reader of readers) await reader.message(text).waitFor();
  }

  it('is made by signed invitation (by name, and by code), shows who joined, and every member gets every message once, in order, including one who was offline', async () => {
    await alice.createRoom('Trip');
    await alice.inviteToRoom('Bob');
    const code = await alice.inviteCode();
    expect(code).toMatch(/^room:r[0-9a-f]{32}:[0-9a-f]{32}$/);

    await carol.joinWithCode(code);
    await carol.page.getByRole('heading', { name: '# Trip' }).waitFor();
    await bob.room('Trip').getByText('invited').waitFor();
    await bob.openRoom('Trip');
    await bob.acceptInvitation();
    for (const popup of [alice, bob, carol]) {
      for (const name of ['Alice', 'Bob', 'Carol'])
        await popup.page.getByTestId('room-members').getByText(`${name} (online)`).waitFor();
    }
    // Each change, as its signed log proves it, shows in the room; no warning (the server added no one).
    for (const popup of [alice, bob, carol]) {
      await popup.roomEvent('Carol joined with an invite code from Alice').waitFor();
      await popup.roomEvent('Bob accepted the invitation').waitFor();
      expect(await popup.page.getByTestId('room-warning').count()).toBe(0);
    }

    await say(alice, 'a1: when do we leave?', [bob, carol]);
    await say(bob, 'b1: at eight', [alice, carol]);
    await say(carol, 'c1: fine by me', [alice, bob]);

    await carol.lock();
    await say(alice, 'a2: bring water', [bob]);
    await say(bob, 'b2: and a map', [alice]);
    await alice.waitStatus('a2: bring water', 'sent');

    await carol.unlock();
    await carol.waitOnline();
    await carol.openRoom('Trip');
    const expected = [
      'a1: when do we leave?',
      'b1: at eight',
      'c1: fine by me',
      'a2: bring water',
      'b2: and a map',
    ];
    for (const text of expected) await carol.message(text).waitFor();
    for (const popup of [alice, bob, carol]) expect(await popup.messageTexts()).toEqual(expected);
    // Read by both other members: the ticks say so.
    await alice.waitStatus('a2: bring water', 'read');
    expect(await carol.bubble('b2: and a map').getByTestId('message-sender').textContent()).toBe('Bob');
    // The server relayed room messages as ciphertext only.
    expect(server.logs.join('\n')).not.toContain('bring water');
  });
});
