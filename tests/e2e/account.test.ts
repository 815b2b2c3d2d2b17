import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { onlineUsers, type ChromeUser } from '../support/chrome-extension';
import type { OptionsPage } from '../support/options-page';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))(
  'the account on the server, from the options page',
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

    /**
     * The options page → the account's action → its confirmation, by keyboard: Cancel has the focus, Tab reaches
     * the action.
     */
    async function confirmByKeyboard(options: OptionsPage, opener: string, action: string): Promise<void> {
      const { page } = options;
      await page.getByRole('button', { name: opener }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
      await page.keyboard.press('Tab');
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(action);
      await page.keyboard.press('Enter');
    }

    it('releases the name: it is free on the server, and the profile stays offline until a new name is saved', async () => {
      const aliceId = await alice.selfId();
      const options = await alice.openOptions();
      await confirmByKeyboard(options, 'Release my name…', 'Release “Alice”');
      await options.page.getByRole('status').filter({ hasText: '"Alice" is released' }).waitFor();
      expect(await server.stores.accounts.lookup('Alice')).toBeUndefined();
      expect(await server.stores.accounts.known(aliceId)).toBe(true);

      // The popup says why it is offline.
      await options.close();
      await alice.status().filter({ hasText: 'Offline' }).waitFor();
      await alice.page
        .getByTestId('connection-error')
        .filter({ hasText: 'You released the name "Alice"' })
        .waitFor();

      const again = await alice.openOptions();
      await again.nameField().fill('Alicia');
      await again.save();
      await again.close();
      await alice.waitOnline();
      expect(await server.stores.accounts.lookup('Alicia')).toBe(aliceId);
    });

    it('deletes the account: it leaves its room first, and the server knows nothing of it afterwards', async () => {
      const aliceId = await alice.selfId();
      await alice.createRoom('Hikers');
      await alice.inviteToRoom('Bob');
      await bob.room('Hikers').getByText('invited').waitFor();

      const options = await alice.openOptions();
      await confirmByKeyboard(options, 'Delete my account…', 'Delete my account');
      await options.page.getByRole('status').filter({ hasText: 'is deleted' }).waitFor();
      expect(await server.stores.accounts.known(aliceId)).toBe(false);
      expect(await server.stores.accounts.lookup('Alicia')).toBeUndefined();
      expect(await server.stores.rooms.listFor(await bob.selfId())).toEqual([]);
      await bob.room('Hikers').waitFor({ state: 'detached' }); // the room ended with its last member

      await options.close();
      await alice.page
        .getByTestId('connection-error')
        .filter({ hasText: 'Your account on this server was deleted' })
        .waitFor();
    });
  },
);
