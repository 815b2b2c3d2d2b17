import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { onlineUsers, type ChromeUser } from '../support/chrome-extension';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))(
  'the account on the server, from Settings',
  () => {
    let server: TestServer;
    const users: ChromeUser[] = [];
    let alice: PopupPage;
    let bob: PopupPage;

    beforeAll(async () => {
      server = await startTestServer();
      const online = await onlineUsers(['Alice', 'Bob'], server.url);
      users.push(...online.users);
      [alice, bob] = online.popups as [PopupPage, PopupPage];
    });
    afterAll(async () => {
      await Promise.all(users.map((user) => user.close()));
      await server.close();
    });

    /** Settings → the account's action → its confirmation, by keyboard: Cancel has the focus, Tab reaches the action. */
    async function confirmByKeyboard(popup: PopupPage, opener: string, action: string): Promise<void> {
      const { page } = popup;
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('button', { name: opener }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
      await page.keyboard.press('Tab');
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(action);
      await page.keyboard.press('Enter');
    }

    /** Back from Settings to the chat screen. */
    const leaveSettings = (popup: PopupPage) => popup.page.getByRole('button', { name: 'Cancel' }).click();

    it('releases the name: it is free on the server, and the profile stays offline until a new name is saved', async () => {
      const aliceId = await alice.selfId();
      await confirmByKeyboard(alice, 'Release my name…', 'Release “Alice”');
      await alice.page.getByRole('status').filter({ hasText: '"Alice" is released' }).waitFor();
      expect(await server.stores.accounts.lookup('Alice')).toBeUndefined();
      expect(await server.stores.accounts.known(aliceId)).toBe(true);

      await leaveSettings(alice);
      await alice.status().filter({ hasText: 'Offline' }).waitFor();
      await alice.page
        .getByTestId('connection-error')
        .filter({ hasText: 'You released the name "Alice"' })
        .waitFor();

      await alice.page.getByRole('button', { name: 'Settings' }).click();
      await alice.page.getByRole('textbox', { name: 'Your name' }).fill('Alicia');
      await alice.page.getByRole('button', { name: 'Save', exact: true }).click();
      await alice.waitOnline();
      expect(await server.stores.accounts.lookup('Alicia')).toBe(aliceId);
    });

    it('deletes the account: it leaves its room first, and the server knows nothing of it afterwards', async () => {
      const aliceId = await alice.selfId();
      await alice.createRoom('Hikers');
      await alice.inviteToRoom('Bob');
      await bob.room('Hikers').getByText('invited').waitFor();

      await confirmByKeyboard(alice, 'Delete my account…', 'Delete my account');
      await alice.page.getByRole('status').filter({ hasText: 'is deleted' }).waitFor();
      expect(await server.stores.accounts.known(aliceId)).toBe(false);
      expect(await server.stores.accounts.lookup('Alicia')).toBeUndefined();
      expect(await server.stores.rooms.listFor(await bob.selfId())).toEqual([]);
      await bob.room('Hikers').waitFor({ state: 'detached' }); // the room ended with its last member

      await leaveSettings(alice);
      await alice.page
        .getByTestId('connection-error')
        .filter({ hasText: 'Your account on this server was deleted' })
        .waitFor();
    });
  },
);
