import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Diagnostics } from '../../extension/lib/messaging/protocol';
import { engineCall } from './engine-port';
import { OptionsPage } from './options-page';

export const TEST_PASSPHRASE = 'correct horse battery staple';

/** The toolbar popup, driven the way a user would: labels, roles and visible text. */
export class PopupPage {
  constructor(readonly page: Page) {}

  /** First start: name, server, and the passphrase that seals what the engine stores. */
  async chooseName(name: string, serverUrl: string, passphrase = TEST_PASSPHRASE): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Your name' }).fill(name);
    await this.page.getByRole('textbox', { name: 'Signal server' }).fill(serverUrl);
    await this.page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await this.page.getByLabel('Repeat passphrase', { exact: true }).fill(passphrase);
    await this.page.getByRole('button', { name: 'Start chatting' }).click();
  }

  async lock(): Promise<void> {
    await this.page.getByRole('button', { name: 'Lock' }).click();
    await this.page.getByRole('heading', { name: 'Locked' }).waitFor();
  }

  async unlock(passphrase = TEST_PASSPHRASE): Promise<void> {
    await this.page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await this.page.getByRole('button', { name: 'Unlock' }).click();
  }

  /**
   * Settings: the button opens the options page in a tab (or brings its tab to the front); resolves with it once it
   * shows the settings.
   */
  async openOptions(): Promise<OptionsPage> {
    const context = this.page.context();
    const isOptions = (page: Page): boolean =>
      page.url().split(/[?#]/)[0]?.endsWith('/options.html') === true;
    await this.page.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(() => context.pages().some(isOptions)).toBe(true);
    const tab = context.pages().find(isOptions);
    if (!tab) throw new Error('openOptions: the options page went away');
    const options = new OptionsPage(tab, this.page);
    await options.ready();
    return options;
  }

  /** The error shown in an alert (e.g. a wrong passphrase). */
  alert(): Locator {
    return this.page.getByRole('alert');
  }

  status(): Locator {
    return this.page.getByTestId('connection-status');
  }

  async waitOnline(): Promise<void> {
    await this.status().filter({ hasText: 'Online' }).waitFor();
  }

  /**
   * The popup shows one screen at a time under its top line: the conversation list, a conversation, or the screen
   * to add a contact or a room. The list stays on the page behind the others (inert), so its rows can be read
   * from any screen; to click one, the list is shown first.
   */
  async showList(): Promise<void> {
    // A screen first: a popup opens on the conversation it was closed on (its back button leads to the list).
    await this.page.locator('.screen:not([inert])').first().waitFor();
    const back = this.page.getByTestId('back');
    if (await back.isVisible()) await back.click();
    await this.page.locator('.screen:not([inert]) .conversation-list').waitFor();
  }

  /** The screen to add a contact, give out one's invite link, or create, join or find a room. */
  async openNew(): Promise<void> {
    if (await this.page.locator('.new-conversation').isVisible()) return;
    await this.showList();
    await this.page.getByTestId('add-contact-open').click();
    await this.page.locator('.new-conversation').waitFor();
  }

  /** An accepted contact's row in the conversation list (its shown name: the alias if one was given). */
  contact(name: string): Locator {
    return this.page.getByTestId('contact').filter({ hasText: name });
  }

  /** Opens the conversation with the contact `name` from the list; resolves once it is on screen. */
  async openChat(name: string): Promise<void> {
    await this.showList();
    await this.contact(name).click();
    await this.conversationTitle(name).waitFor();
  }

  /** Resolves once the contact shows online (contacts who appear offline never do). */
  async waitContactOnline(name: string): Promise<void> {
    await this.contact(name).filter({ hasNotText: 'offline' }).waitFor();
  }

  /** A request to this user, in Requests: its name, its marks and warnings, Accept / Decline / Block. */
  request(name: string): Locator {
    return this.page
      .getByTestId('request')
      .filter({ has: this.page.getByTestId('open-request').filter({ hasText: name }) });
  }

  /** This user's own request, under "Waiting for an answer". */
  outgoingRequest(name: string): Locator {
    return this.page.getByTestId('outgoing-request').filter({ hasText: name });
  }

  /** A blocked user, under Blocked (with Unblock). */
  blocked(name: string): Locator {
    return this.page
      .getByTestId('blocked-contact')
      .filter({ has: this.page.getByTestId('open-blocked').filter({ hasText: name }) });
  }

  /** The warning a request carries when another key held its name before. */
  nameReusedWarning(name: string): Locator {
    return this.request(name).getByTestId('name-reused');
  }

  /** The "Add a contact" form, shown (its screen also holds this user's invite link). */
  async openAddContact(): Promise<void> {
    await this.openNew();
    await this.page.getByTestId('add-contact-input').waitFor();
  }

  /**
   * Asks someone to be a contact, by exact name or invite link, with an optional greeting. Resolves once the engine
   * took the request; rejects with the message the popup shows if it refused (the text typed then stays).
   */
  async addContact(query: string, greeting?: string): Promise<void> {
    await this.openAddContact();
    await this.page.getByTestId('add-contact-input').fill(query);
    if (greeting !== undefined) await this.page.getByTestId('add-contact-greeting').fill(greeting);
    await this.page.getByTestId('add-contact-submit').click();
    const pane = this.page.locator('.add-contact-form');
    const done = pane.getByTestId('add-contact-done');
    const refused = pane.getByRole('alert');
    await done.or(refused).first().waitFor();
    if (await refused.isVisible()) throw new Error((await refused.textContent()) ?? 'addContact: refused');
  }

  /** This user's invite link, as the Add contact pane shows it. */
  async inviteLink(): Promise<string> {
    await this.openAddContact();
    const link = this.page.getByTestId('invite-link');
    await link.waitFor();
    return (await link.textContent()) ?? '';
  }

  /** Accepts the request from `name`; resolves once `name` is a contact. */
  async acceptRequest(name: string): Promise<void> {
    await this.showList();
    await this.request(name).getByTestId('accept-request').click();
    await this.contact(name).waitFor();
  }

  /** Declines the request from `name`; resolves once it is gone. */
  async declineRequest(name: string): Promise<void> {
    await this.showList();
    await this.request(name).getByTestId('decline-request').click();
    await this.request(name).waitFor({ state: 'detached' });
  }

  /** Blocks whoever sent the request from `name`; resolves once they are under Blocked. */
  async blockRequest(name: string): Promise<void> {
    await this.showList();
    await this.request(name).getByTestId('block-request').click();
    await this.blocked(name).waitFor();
  }

  /** Opens the messages of the request from `name` (readable before accepting). */
  async openRequest(name: string): Promise<void> {
    await this.showList();
    await this.request(name).getByTestId('open-request').click();
    await this.conversationTitle(name).waitFor();
  }

  /** Blocks the contact `name` from their conversation's menu (confirmed); resolves once they are under Blocked. */
  async blockContact(name: string): Promise<void> {
    await this.openContactMenu(name);
    await this.page.getByTestId('block-contact').click();
    await this.page.getByTestId('confirm-block').click();
    await this.blocked(name).waitFor();
  }

  /** Unblocks `name` from the Blocked section; resolves once they have left it. */
  async unblock(name: string): Promise<void> {
    await this.showList();
    await this.blocked(name).getByTestId('unblock-contact').click();
    await this.blocked(name).waitFor({ state: 'detached' });
  }

  /** Removes the contact `name` (confirmed); resolves once they are gone from the contacts. */
  async removeContact(name: string): Promise<void> {
    await this.openContactMenu(name);
    await this.page.getByTestId('remove-contact').click();
    await this.page.getByTestId('confirm-remove').click();
    await this.contact(name).waitFor({ state: 'detached' });
  }

  /** Gives the contact `name` a local name ('' goes back to their own); resolves once the list shows it. */
  async renameContact(name: string, alias: string): Promise<void> {
    await this.openContactMenu(name);
    await this.page.getByTestId('rename-contact').click();
    await this.page.getByTestId('rename-input').fill(alias);
    await this.page.getByTestId('rename-submit').click();
    await this.page.getByTestId('rename-input').waitFor({ state: 'detached' });
    if (alias) await this.contact(alias).waitFor();
  }

  /** Mutes (or unmutes) the contact `name`; resolves once the list shows it. */
  async muteContact(name: string, muted = true): Promise<void> {
    await this.openContactMenu(name);
    const button = this.page.getByTestId('mute-contact');
    if ((await button.textContent()) === (muted ? 'Mute' : 'Unmute')) await button.click();
    await this.contact(name)
      .getByTestId('muted')
      .waitFor({ state: muted ? 'visible' : 'detached' });
  }

  /** Settings (the options page) → Appear offline, saved; back to the popup. */
  async setAppearOffline(appearOffline: boolean): Promise<void> {
    const options = await this.openOptions();
    await options.setAppearOffline(appearOffline);
    await options.close();
  }

  /** The open conversation's heading, when it is with `name` (as shown). */
  conversationTitle(name: string): Locator {
    return this.page.locator('#conversation-title').filter({ hasText: name });
  }

  /** Opens the conversation with the contact `name` and its menu (rename, mute, block, remove). */
  private async openContactMenu(name: string): Promise<void> {
    const title = this.conversationTitle(name);
    if (!(await title.isVisible())) {
      await this.openChat(name);
      await title.waitFor();
    }
    const opener = this.page.getByTestId('contact-menu');
    if ((await opener.getAttribute('aria-expanded')) !== 'true') await opener.click();
    await this.page.getByTestId('remove-contact').waitFor();
  }

  /** Resolves once the contact shows a direct (peer-to-peer) link. */
  async waitDirect(name: string): Promise<void> {
    await this.contact(name).getByText('direct').waitFor();
  }

  async send(text: string): Promise<void> {
    const box = this.page.getByRole('textbox', { name: /^Message to / });
    await box.fill(text);
    await box.press('Enter');
  }

  /** The text on the toolbar icon's badge ('' when none). */
  async badgeText(): Promise<string> {
    return this.page.evaluate(() => {
      const { chrome } = globalThis as unknown as {
        chrome: { action: { getBadgeText(details: object): Promise<string> } };
      };
      return chrome.action.getBadgeText({});
    });
  }

  /** Opens the safety number of the open conversation and returns its digits as shown. */
  async safetyNumber(): Promise<string> {
    await this.page.getByRole('button', { name: 'Safety number' }).click();
    const digits = this.page.getByTestId('safety-number');
    await digits.waitFor();
    return (await digits.textContent()) ?? '';
  }

  message(text: string): Locator {
    return this.page.getByTestId('message-text').filter({ hasText: text });
  }

  /** Opens the conversation of the blocked user `name` (from Blocked, in the list). */
  async openBlocked(name: string): Promise<void> {
    await this.showList();
    await this.blocked(name).getByTestId('open-blocked').click();
    await this.conversationTitle(name).waitFor();
  }

  /** Opens the conversation of this user's own request to `name` (under "Waiting for an answer"). */
  async openOutgoingRequest(name: string): Promise<void> {
    await this.showList();
    await this.outgoingRequest(name).click();
    await this.conversationTitle(name).waitFor();
  }

  /** Rooms: create one from the New screen, and open it. */
  async createRoom(name: string): Promise<void> {
    await this.openNew();
    await this.page.getByRole('textbox', { name: 'New room name' }).fill(name);
    await this.page.getByRole('button', { name: 'Create' }).click();
    await this.page.getByRole('heading', { name: `# ${name}` }).waitFor();
  }

  room(name: string): Locator {
    return this.page.getByTestId('room').filter({ hasText: `# ${name}` });
  }

  async openRoom(name: string): Promise<void> {
    await this.showList();
    await this.room(name).click();
    await this.page.getByRole('heading', { name: `# ${name}` }).waitFor();
  }

  /** In the open room: its options (invite, list, leave), shown. */
  async roomOptions(): Promise<void> {
    const field = this.page.getByRole('textbox', { name: 'Invite by name' });
    if (!(await field.isVisible()))
      await this.page.getByText('Invite people, list the room, or leave').click();
  }

  /** In the open room: lists it publicly (or unlists it), and waits until the room shows it. */
  async listRoom(name: string, listed = true): Promise<void> {
    await this.roomOptions();
    await this.page.getByRole('checkbox', { name: 'List this room publicly' }).setChecked(listed);
    const marker = this.room(name).getByText('public', { exact: true });
    await (listed ? marker.waitFor() : marker.waitFor({ state: 'detached' }));
  }

  /** Rooms: searches the public rooms by name; the list of rooms found. */
  async searchPublicRooms(query: string): Promise<Locator> {
    await this.openNew();
    const field = this.page.getByRole('searchbox', { name: 'Search public rooms by name' });
    if (!(await field.isVisible())) await this.page.getByText('Find a public room').click();
    await field.fill(query);
    await this.page.getByRole('button', { name: 'Search', exact: true }).click();
    const found = this.page.getByTestId('public-rooms').or(this.page.getByTestId('public-rooms-empty'));
    await found.waitFor();
    return this.page.getByTestId('public-rooms');
  }

  /** Rooms: joins a public room the last search found, and waits until it is open. */
  async joinPublicRoom(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Join ${name}`, exact: true }).click();
    await this.page.getByRole('heading', { name: `# ${name}` }).waitFor();
  }

  /** In the open room: invite someone by name. */
  async inviteToRoom(name: string): Promise<void> {
    await this.roomOptions();
    await this.page.getByRole('textbox', { name: 'Invite by name' }).fill(name);
    await this.page.getByRole('button', { name: 'Invite', exact: true }).click();
    await this.page.getByTestId('room-members').getByText(`${name} (invited)`).waitFor();
  }

  /** In the open room: the code others can join with. */
  async inviteCode(): Promise<string> {
    await this.roomOptions();
    // The creator has one from the start; another member makes theirs.
    const make = this.page.getByRole('button', { name: 'Make an invite code' });
    if (await make.isVisible()) await make.click();
    return (await this.page.getByTestId('invite-code').textContent()) ?? '';
  }

  async joinWithCode(code: string): Promise<void> {
    await this.openNew();
    await this.page.getByRole('textbox', { name: 'Invite code' }).fill(code);
    await this.page.getByRole('button', { name: 'Join', exact: true }).click();
  }

  /** In the open room: a line of its membership timeline (joins, leaves, invitations). */
  roomEvent(text: string): Locator {
    return this.page.getByTestId('room-timeline').getByText(text);
  }

  /** In an open room one is invited to: join it. */
  async acceptInvitation(): Promise<void> {
    await this.page.getByRole('button', { name: 'Join room' }).click();
    await this.page.getByTestId('room-members').waitFor();
  }

  /** The bubble of the message whose text is `text`. */
  bubble(text: string): Locator {
    return this.page
      .getByTestId('message')
      .filter({ has: this.page.getByTestId('message-text').getByText(text, { exact: true }) });
  }

  /** Waits until an outgoing message shows `status` (sending, sent, delivered, read, failed). */
  async waitStatus(text: string, status: string): Promise<void> {
    await this.bubble(text).locator(`[data-testid="message-status"][data-status="${status}"]`).waitFor();
  }

  /** The path a message shows: `direct` or `via server`. */
  async pathOf(text: string): Promise<string | null> {
    return this.bubble(text).getByTestId('message-path').textContent();
  }

  async messageTexts(): Promise<string[]> {
    return this.page.getByTestId('message-text').allTextContents();
  }

  /** Asks the engine for its counters over the same port protocol the popup uses. */
  async diagnostics(): Promise<Diagnostics> {
    return engineCall(this.page, 'getDiagnostics', {});
  }

  /** This user's id, as the engine holds it. */
  async selfId(): Promise<string> {
    const state = await engineCall(this.page, 'getState', {});
    if (!state.settings) throw new Error('selfId: the user has not chosen a name yet');
    return state.settings.userId;
  }

  /** A backup file made by the engine, as the Backup panel would save it. */
  async exportBackup(passphrase: string): Promise<string> {
    return (await engineCall(this.page, 'exportBackup', { passphrase })).backup;
  }

  /**
   * Every record of every IndexedDB database of the extension, and everything in chrome.storage (local, session,
   * sync), as text: bytes written as hex, so that raw key bytes show up in a search too.
   */
  async dumpStorage(): Promise<string> {
    return this.page.evaluate(async () => {
      const hex = (bytes: Uint8Array): string =>
        Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
      const replacer = (_key: string, value: unknown): unknown => {
        if (value instanceof Uint8Array) return `bytes:${hex(value)}`;
        if (value instanceof ArrayBuffer) return `bytes:${hex(new Uint8Array(value))}`;
        return value;
      };
      const request = <T>(req: IDBRequest<T>): Promise<T> =>
        new Promise((resolve, reject) => {
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
        });
      const dump: Record<string, unknown> = {};
      for (const info of await indexedDB.databases()) {
        if (!info.name) continue;
        const db = await request(indexedDB.open(info.name));
        for (const store of Array.from(db.objectStoreNames)) {
          const tx = db.transaction(store);
          dump[`idb:${info.name}/${store}`] = {
            keys: await request(tx.objectStore(store).getAllKeys()),
            values: await request(tx.objectStore(store).getAll()),
          };
        }
        db.close();
      }
      const { chrome } = globalThis as unknown as {
        chrome: { storage?: Record<string, { get(keys: null): Promise<unknown> } | undefined> };
      };
      // Without the "storage" permission the API is absent: then nothing can be stored there at all.
      for (const area of ['local', 'session', 'sync'])
        dump[`chrome.storage.${area}`] = (await chrome.storage?.[area]?.get(null)) ?? 'unavailable';
      return JSON.stringify(dump, replacer);
    });
  }

  async expectNoHtmlIn(text: string): Promise<void> {
    const bubble = this.message(text);
    await bubble.waitFor();
    expect(await bubble.textContent()).toBe(text);
    expect(await bubble.locator('*').count()).toBe(0);
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
