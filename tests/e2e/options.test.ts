import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '../../shared/ids';
import type { ChatMessage } from '../../extension/lib/model';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { CHROME_BUILD, onlineUsers, type ChromeUser } from '../support/chrome-extension';
import { engineCall } from '../support/engine-port';
import { OptionsPage, notificationIds } from '../support/options-page';
import { TEST_PASSPHRASE, type PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))(
  'the options page, and message notifications',
  () => {
    let server: TestServer;
    const users: ChromeUser[] = [];
    let popups: PopupPage[];
    let options: OptionsPage;

    beforeAll(async () => {
      server = await startTestServer();
      const online = await onlineUsers(['Alice', 'Bob', 'Carol'], server.url);
      users.push(...online.users);
      popups = online.popups;
      options = await OptionsPage.open(online.users[0] as ChromeUser);
      await options.ready();
    });
    afterAll(async () => {
      await Promise.all(users.map((user) => user.close()));
      await server.close();
    });

    const popup = (index: number): PopupPage => popups[index] as PopupPage;
    const alice = (): ChromeUser => users[0] as ChromeUser;

    /** Sends `text` from `from`'s engine to `to`, and resolves once `to`'s engine has confirmed it (✓✓). */
    async function deliver(from: PopupPage, to: UserId, text: string): Promise<void> {
      const sent = await engineCall(from.page, 'sendText', { peerId: to, text });
      await expect
        .poll(async () => {
          const history: readonly ChatMessage[] = await engineCall(from.page, 'openConversation', {
            peerId: to,
          });
          return history.find((message) => message.id === sent.id)?.status;
        })
        .toMatch(/^(delivered|read)$/);
    }

    it('shows the version from the manifest and where data goes', async () => {
      const manifest = JSON.parse(readFileSync(`${CHROME_BUILD}/manifest.json`, 'utf8')) as {
        version: string;
      };
      await expect.poll(() => options.version().textContent()).toBe(`Version ${manifest.version}`);
      await expect.poll(() => options.about().textContent()).toContain(new URL(server.url).host);
    });

    it('saves a setting: it is there after a reload, and the engine has it', async () => {
      await options.notifications().selectOption('off');
      await options.typingIndicators().uncheck();
      await options.save();
      await options.reload();
      expect(await options.notifications().inputValue()).toBe('off');
      expect(await options.typingIndicators().isChecked()).toBe(false);
      const { settings } = await engineCall(options.page, 'getState', {});
      expect(settings).toMatchObject({ notifications: 'off', typingIndicators: false, name: 'Alice' });
    });

    it('notifies a message while no popup is open, not while one is, and not when Settings say off', async () => {
      const aliceId = (await engineCall(options.page, 'getState', {})).settings?.userId as UserId;
      const bobId = (await engineCall(popup(1).page, 'getState', {})).settings?.userId as UserId;
      const carolId = (await engineCall(popup(2).page, 'getState', {})).settings?.userId as UserId;
      await popup(0).page.close();

      // Off in Settings (the test before): no notice, though no popup is open.
      await deliver(popup(2), aliceId, 'while notifications are off');
      await options.setNotifications('without-content');
      // A popup open: no notice.
      const reopened = await alice().openPopup();
      await reopened.waitOnline();
      await deliver(popup(2), aliceId, 'while the popup is open');
      await reopened.page.close();
      // No popup open: a notice for Bob's conversation. Carol's messages came first, each confirmed before the next
      // step: had either been notified, its notice would be listed before Bob's.
      await deliver(popup(1), aliceId, 'while the popup is closed');
      await expect.poll(() => notificationIds(alice().context)).toContain(`message:${bobId}`);
      expect(await notificationIds(alice().context)).not.toContain(`message:${carolId}`);
    });

    it('shows the lock screen while locked (no notice left), and opens with a changed passphrase only', async () => {
      const next = 'a brand new passphrase';
      await options.changePassphrase(TEST_PASSPHRASE, next);
      await engineCall(options.page, 'lock', {});
      await options.lockScreen().waitFor();
      // The notice the test before left is taken back at the lock.
      await expect.poll(() => notificationIds(alice().context)).toEqual([]);
      await options.unlock(TEST_PASSPHRASE);
      await options.alert().filter({ hasText: 'Wrong passphrase' }).waitFor();
      await options.unlock(next);
      await options.ready();
    });
  },
);
