import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { onlineUsers, type ChromeUser } from '../support/chrome-extension';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('a public room', () => {
  let server: TestServer;
  const users: ChromeUser[] = [];
  let alice: PopupPage;
  let dave: PopupPage;

  beforeAll(async () => {
    server = await startTestServer();
    // Nobody is anybody's contact: Dave knows no one on the server.
    const online = await onlineUsers(['Alice', 'Dave'], server.url, { contacts: false });
    users.push(...online.users);
    [alice, dave] = online.popups as [PopupPage, PopupPage];
  });
  afterAll(async () => {
    await Promise.all(users.map((user) => user.close()));
    await server.close();
  });

  it('Alice lists a room; Dave, a contact of nobody, finds it by searching and joins; messages in the room reach both', async () => {
    await alice.createRoom('Hikers of Oslo');
    await alice.listRoom('Hikers of Oslo');

    const found = await dave.searchPublicRooms('OSLO');
    // All a listing shows: the name and the member count.
    expect(await found.getByRole('listitem').allTextContents()).toEqual(['# Hikers of Oslo (1 member) Join']);
    await dave.joinPublicRoom('Hikers of Oslo');
    await dave.roomEvent('Dave joined with an invite code from Alice').waitFor();
    await alice.roomEvent('Dave joined with an invite code from Alice').waitFor();
    await alice.page.getByTestId('room-members').getByText('Dave').waitFor();
    for (const popup of [alice, dave]) expect(await popup.page.getByTestId('room-warning').count()).toBe(0);

    await alice.send('welcome, Dave');
    await dave.message('welcome, Dave').waitFor();
    await dave.send('thanks, Alice');
    await alice.message('thanks, Alice').waitFor();
    expect(await dave.bubble('welcome, Dave').getByTestId('message-sender').textContent()).toBe('Alice');

    // Unlisted, it is found no more; Dave stays a member.
    await alice.listRoom('Hikers of Oslo', false);
    expect(await (await dave.searchPublicRooms('oslo')).count()).toBe(0);
    expect(server.logs.join('\n')).not.toContain('welcome, Dave');
  });
});
