import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { UserId } from '../../shared/ids';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { onlineUsers, type ChromeUser } from '../support/chrome-extension';
import { engineCall } from '../support/engine-port';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

/** The invite link `link` with the signing key (after the last dot of its fragment) taken from `keyFrom`. */
function withKeyOf(link: string, keyFrom: string): string {
  const key = keyFrom.slice(keyFrom.lastIndexOf('.') + 1);
  return `${link.slice(0, link.lastIndexOf('.') + 1)}${key}`;
}

/**
 * Contacts you choose, through the popup as people use it: an invite link checked against the server, a
 * stranger's first word as a request, block, rename and mute, appear offline, remove. Alice, Bob and Mallory
 * start as strangers to each other and stay signed in throughout; each test goes on from where the last stopped.
 */
describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('contacts between Chrome users', () => {
  let server: TestServer;
  let users: ChromeUser[] = [];
  let alice: ChromeUser;
  let alicePopup: PopupPage;
  let bobPopup: PopupPage;
  let malloryPopup: PopupPage;
  let aliceId: UserId;
  let bobId: UserId;
  let malloryId: UserId;

  beforeAll(async () => {
    server = await startTestServer();
    const online = await onlineUsers(['Alice', 'Bob', 'Mallory'], server.url, { contacts: false });
    users = online.users;
    [alice] = online.users as [ChromeUser];
    [alicePopup, bobPopup, malloryPopup] = online.popups as [PopupPage, PopupPage, PopupPage];
    [aliceId, bobId, malloryId] = (await Promise.all(online.popups.map((popup) => popup.selfId()))) as [
      UserId,
      UserId,
      UserId,
    ];
  });
  afterAll(async () => {
    await Promise.all(users.map((user) => user.close()));
    await server.close();
  });

  it('Bob adds Alice with her invite link and she accepts; a link whose key is not the one the server presents for the name is refused, the text kept', async () => {
    const aliceLink = await alicePopup.inviteLink();
    expect(aliceLink).toContain(`${server.url}/invite#Alice.`);
    // Alice's name with another real user's key: what a server (or a sender) faking Alice would hand out.
    const forged = withKeyOf(aliceLink, await malloryPopup.inviteLink());
    expect(forged).not.toBe(aliceLink);

    await expect(bobPopup.addContact(forged)).rejects.toThrow(
      /server presents another key for Alice than the invite link carries/,
    );
    expect(await bobPopup.page.getByTestId('add-contact-input').inputValue()).toBe(forged);
    expect(await bobPopup.page.getByTestId('outgoing-request').count()).toBe(0);

    await bobPopup.addContact(aliceLink);
    await bobPopup.outgoingRequest('Alice').waitFor();
    await alicePopup.request('Bob').waitFor();
    // The server binds the name Bob to the key the request came with (checked once the request is in).
    await alicePopup.request('Bob').getByTestId('request-unverified').waitFor({ state: 'detached' });
    await alicePopup.acceptRequest('Bob');
    await Promise.all([alicePopup.waitContactOnline('Bob'), bobPopup.waitContactOnline('Alice')]);
    expect(await server.stores.presence.shareToken(aliceId, bobId)).toBe(true);
  });

  it("puts a stranger's first word under Requests, off the badge, readable but not answerable; the stranger does not see Alice online", async () => {
    // Left on the list: a popup closed on a conversation opens on it again (and reads what came meanwhile).
    await alicePopup.showList();
    await alicePopup.close();
    await malloryPopup.addContact('Alice', 'Hello Alice, I am Mallory');
    await malloryPopup.outgoingRequest('Alice').waitFor();
    await bobPopup.openChat('Alice');
    await bobPopup.send('Bob writes while your popup is closed');
    await bobPopup.waitStatus('Bob writes while your popup is closed', 'delivered');

    alicePopup = await alice.openPopup();
    await alicePopup.waitOnline();
    await alicePopup.request('Mallory').getByTestId('unread').filter({ hasText: '1' }).waitFor();
    await alicePopup.contact('Bob').getByTestId('unread').filter({ hasText: '1' }).waitFor();
    // Both are unread, but only the contact's message counts on the toolbar.
    await vi.waitFor(async () => expect(await alicePopup.badgeText()).toBe('1'));
    expect(await alicePopup.page.getByTestId('contact').filter({ hasText: 'Mallory' }).count()).toBe(0);

    await alicePopup.openChat('Bob');
    await alicePopup.message('Bob writes while your popup is closed').waitFor();
    await vi.waitFor(async () => expect(await alicePopup.badgeText()).toBe(''));

    await alicePopup.openRequest('Mallory');
    await alicePopup.message('Hello Alice, I am Mallory').waitFor();
    await alicePopup.page.getByTestId('request-panel').waitFor();
    const composer = alicePopup.page.getByRole('textbox', { name: /^Message to Mallory/ });
    expect(await composer.isDisabled()).toBe(true);
    expect(await composer.getAttribute('placeholder')).toContain("Accept Mallory's request to reply");

    // Mallory waits for an answer and learns nothing of Alice's presence: they share no token on the server.
    await malloryPopup.outgoingRequest('Alice').getByText('asked').waitFor();
    expect(await malloryPopup.page.getByTestId('contact').count()).toBe(0);
    expect(await server.stores.presence.shareToken(aliceId, malloryId)).toBe(false);
    const malloryState = await engineCall(malloryPopup.page, 'getState', {});
    expect(malloryState.contacts.find((contact) => contact.userId === aliceId)).toMatchObject({
      state: 'outgoing',
      online: false,
    });
  });

  it("blocks Mallory from the request: the server drops her next message, as if taken, while Bob's still arrives; unblocking makes her a stranger again", async () => {
    await alicePopup.blockRequest('Mallory');
    expect(await alicePopup.request('Mallory').count()).toBe(0);
    expect(await server.stores.blocks.blocks(aliceId, malloryId)).toBe(true);

    // Mallory can still write in her request's conversation; the server takes none of it for Alice.
    await malloryPopup.openOutgoingRequest('Alice');
    await malloryPopup.send('Mallory after the block');
    // The server answers as if it took it (Mallory is not told she is blocked) and keeps none of it.
    await malloryPopup.waitStatus('Mallory after the block', 'sent');
    expect(
      (await server.stores.mailbox.fetch(aliceId, { maxItems: 100, maxBytes: 1 << 20 }, Date.now())).items,
    ).toEqual([]);

    await bobPopup.send('Bob after the block');
    await alicePopup.openChat('Bob');
    await alicePopup.message('Bob after the block').waitFor();
    await alicePopup.openBlocked('Mallory');
    await alicePopup.message('Hello Alice, I am Mallory').waitFor();
    expect(await alicePopup.messageTexts()).not.toContain('Mallory after the block');

    await alicePopup.unblock('Mallory');
    expect(await server.stores.blocks.blocks(aliceId, malloryId)).toBe(false);
    expect(await alicePopup.request('Mallory').count()).toBe(0);
    expect(await alicePopup.page.getByTestId('contact').filter({ hasText: 'Mallory' }).count()).toBe(0);
    const aliceState = await engineCall(alicePopup.page, 'getState', {});
    expect(aliceState.contacts.map((contact) => contact.userId)).not.toContain(malloryId);
  });

  it('renames Bob for Alice alone, and mutes him: his message while her popup is closed is unread in the list but raises no badge', async () => {
    await alicePopup.renameContact('Bob', 'Bobby');
    await alicePopup.contact('Bobby').waitFor();
    // The alias is Alice's: the server and Bob still know him as Bob.
    expect(await server.stores.accounts.lookup('Bob')).toBe(bobId);
    expect(await server.stores.accounts.lookup('Bobby')).toBeUndefined();
    expect(await bobPopup.page.getByTestId('self-name').textContent()).toBe('Bob');

    await alicePopup.muteContact('Bobby');
    await alicePopup.showList(); // left on the list (see above)
    await alicePopup.close();
    await bobPopup.send('Muted, but not lost');
    // Delivered: Alice's engine has counted it unread (the receipt follows), so the badge has had its chance.
    await bobPopup.waitStatus('Muted, but not lost', 'delivered');
    alicePopup = await alice.openPopup();
    await alicePopup.waitOnline();
    await alicePopup.contact('Bobby').getByTestId('unread').filter({ hasText: '1' }).waitFor();
    expect(await alicePopup.badgeText()).toBe('');

    // Unmuted, the next message counts on the badge again.
    await alicePopup.muteContact('Bobby', false);
    // Left on the list again: muteContact opened Bobby's conversation, and a popup closed there opens there, which
    // reads 'Heard again' at once (no unread count, no badge).
    await alicePopup.showList();
    await alicePopup.close();
    await bobPopup.send('Heard again');
    alicePopup = await alice.openPopup();
    await alicePopup.waitOnline();
    await alicePopup.contact('Bobby').getByTestId('unread').filter({ hasText: '1' }).waitFor();
    await vi.waitFor(async () => expect(await alicePopup.badgeText()).toBe('1'));
    await alicePopup.openChat('Bobby');
    await alicePopup.message('Heard again').waitFor();
  });

  it('shows Bob offline to Alice while he appears offline, and Alice still online to him', async () => {
    await bobPopup.setAppearOffline(true);
    await bobPopup.status().filter({ hasText: 'you appear offline' }).waitFor();
    await alicePopup.contact('Bobby').getByText('offline').waitFor();
    await bobPopup.waitContactOnline('Alice');
    expect(await bobPopup.contact('Alice').getByText('offline').count()).toBe(0);

    await bobPopup.setAppearOffline(false);
    await alicePopup.waitContactOnline('Bobby');
  });

  it('removes Bob: Alice no longer lists him, and neither sees the other online', async () => {
    await alicePopup.removeContact('Bobby');
    expect(await alicePopup.page.getByTestId('contact').count()).toBe(0);
    await bobPopup.contact('Alice').getByText('offline').waitFor();
    expect(await server.stores.presence.shareToken(aliceId, bobId)).toBe(false);
    const aliceState = await engineCall(alicePopup.page, 'getState', {});
    expect(aliceState.contacts.map((contact) => contact.userId)).not.toContain(bobId);
  });
});
