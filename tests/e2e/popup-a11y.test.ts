import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, checkInBothSchemes } from '../support/axe';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { ChromeUser } from '../support/chrome-extension';
import { TEST_PASSPHRASE, type PopupPage } from '../support/popup-page';
import {
  ConversationListScreen,
  ConversationScreen,
  LockScreen,
  NewConversationScreen,
  OnboardingScreen,
  StatusBarScreen,
  tabTo,
} from '../support/popup-screens';
import { startTestServer, type TestServer } from '../support/server';

/** Where the README's screenshots come from: this test writes them, so they show the popup as it is. */
const SCREENSHOTS = resolve('docs/screenshots');
const POPUP = { width: 400, height: 600 };
/** The options page is a tab: a small laptop's window. */
const OPTIONS = { width: 1024, height: 960 };

/** Is the element's box inside the page's viewport (seen without scrolling)? */
async function inViewport(popup: PopupPage, selector: string): Promise<boolean> {
  return popup.page.locator(selector).evaluate((element) => {
    const box = element.getBoundingClientRect();
    return (
      box.width > 0 &&
      box.height > 0 &&
      box.top >= 0 &&
      box.left >= 0 &&
      box.bottom <= window.innerHeight &&
      box.right <= window.innerWidth
    );
  });
}

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))(
  'the popup and the options page: accessible in light and dark, by keyboard, at 200 % zoom',
  () => {
    let server: TestServer;
    const users: ChromeUser[] = [];
    let alicePopup: PopupPage;
    let bobPopup: PopupPage;
    /** Screens checked, each in both schemes: the list the last test compares with what it expects. */
    const checked: string[] = [];

    /**
     * Runs axe on the screen shown (a popup's, or the options page's), with the system in light then in dark (the
     * pages follow it when no theme was picked), and saves a screenshot of each, `size` from the top left. Soft:
     * every screen is checked even when one fails.
     */
    async function check(page: Page, screen: string, size = POPUP): Promise<void> {
      await checkInBothSchemes(page, screen, (scheme) =>
        page.screenshot({ path: `${SCREENSHOTS}/${screen}-${scheme}.png`, clip: { x: 0, y: 0, ...size } }),
      );
      checked.push(screen);
    }

    beforeAll(async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      server = await startTestServer();
      const [alice, bob] = await Promise.all([ChromeUser.launch(), ChromeUser.launch()]);
      users.push(alice, bob);
      [alicePopup, bobPopup] = await Promise.all([alice.openPopup(), bob.openPopup()]);
      for (const popup of [alicePopup, bobPopup]) await popup.page.setViewportSize(POPUP);
    });
    afterAll(async () => {
      await Promise.all(users.map((user) => user.close()));
      await server.close();
    });

    it('onboarding: checked, then filled and sent with the keyboard alone', async () => {
      const onboarding = new OnboardingScreen(alicePopup.page);
      await onboarding.heading().waitFor();
      // The check can fail: a button with no name, put in for a moment, is found.
      await alicePopup.page.evaluate(() =>
        document.body.append(Object.assign(document.createElement('button'), { id: 'nameless' })),
      );
      expect((await axeViolations(alicePopup.page)).map((violation) => violation.id)).toContain(
        'button-name',
      );
      await alicePopup.page.evaluate(() => document.getElementById('nameless')?.remove());
      await check(alicePopup.page, 'onboarding');
      await onboarding.completeByKeyboard('Alice', server.url, TEST_PASSPHRASE);
      await alicePopup.waitOnline();
      await bobPopup.chooseName('Bob', server.url);
      await bobPopup.waitOnline();
    });

    it('nobody yet: the screen to add someone; a request sent from it', async () => {
      const start = new NewConversationScreen(alicePopup.page);
      await start.addContactField().waitFor();
      // Focus starts in the field, so a keyboard user can type a name at once.
      await check(alicePopup.page, 'new-conversation');
      // Its folded part too: public rooms, searched (none listed yet).
      await alicePopup.searchPublicRooms('');
      await alicePopup.page.getByTestId('public-rooms-empty').waitFor();
      await check(alicePopup.page, 'public-rooms');
      await alicePopup.addContact('Bob', 'Hi Bob, it is Alice');
      await alicePopup.outgoingRequest('Bob').waitFor();
    });

    it('a request: in the list, then open, then accepted', async () => {
      await bobPopup.request('Alice').waitFor();
      await check(bobPopup.page, 'request-in-list');
      await bobPopup.openRequest('Alice');
      await bobPopup.message('Hi Bob, it is Alice').waitFor();
      await check(bobPopup.page, 'request');
      await bobPopup.acceptRequest('Alice');
      await Promise.all([alicePopup.waitContactOnline('Bob'), bobPopup.waitContactOnline('Alice')]);
    });

    it('chats with the keyboard alone: filter, open with Enter, write, send, Escape back to the list', async () => {
      const page = alicePopup.page;
      const list = new ConversationListScreen(page);
      const conversation = new ConversationScreen(page);
      await alicePopup.showList();
      await tabTo(page, list.filter());
      await page.keyboard.type('bo');
      await tabTo(page, list.row('Bob'));
      await page.keyboard.press('Enter');
      await conversation.title().filter({ hasText: 'Bob' }).waitFor();
      // The box has the focus on entering: type and Enter.
      expect(await conversation.composer().evaluate((element) => element === document.activeElement)).toBe(
        true,
      );
      await page.keyboard.type('Typed without a mouse');
      await page.keyboard.press('Enter');
      await bobPopup.openChat('Alice');
      await bobPopup.message('Typed without a mouse').waitFor();
      await check(alicePopup.page, 'conversation');

      await page.keyboard.press('Escape');
      await list.root().waitFor();
      // Back on the row that was open, which now shows the message and its time.
      expect(await list.row('Bob').evaluate((element) => element === document.activeElement)).toBe(true);
      await list.row('Bob').getByText('Typed without a mouse').waitFor();
      // The filter stayed as typed; Escape in it empties it.
      await tabTo(page, list.filter());
      await page.keyboard.press('Escape');
      expect(await list.filter().inputValue()).toBe('');
      await check(alicePopup.page, 'conversation-list');
      const transfers = alicePopup.page.getByTestId('transfers-toggle');
      await transfers.click();
      await alicePopup.page.getByRole('region', { name: 'Transfers' }).waitFor();
      await check(alicePopup.page, 'transfers');
      await transfers.click();
    });

    it('a room: its panel, and rooms listed with contacts by last activity', async () => {
      await alicePopup.createRoom('Hikers');
      await alicePopup.page.getByTestId('room-members').waitFor();
      await alicePopup.roomOptions();
      await alicePopup.page.getByRole('checkbox', { name: 'List this room publicly' }).waitFor();
      await check(alicePopup.page, 'room');
      await alicePopup.send('Who is in for Sunday?');
      await alicePopup.showList();
      const list = new ConversationListScreen(alicePopup.page);
      expect(await list.names()).toEqual(['# Hikers', 'Bob']);
    });

    it('contact menu and safety number: checked open', async () => {
      await alicePopup.openChat('Bob');
      await alicePopup.page.getByRole('button', { name: 'Safety number' }).click();
      await alicePopup.page.getByTestId('safety-number').waitFor();
      await alicePopup.page.getByTestId('contact-menu').click();
      await alicePopup.page.getByTestId('remove-contact').waitFor();
      await check(alicePopup.page, 'contact-menu');
      // Escape closes the menu first, the focus back on its button and the conversation still open; the next
      // Escape leaves the conversation.
      const page = alicePopup.page;
      await page.keyboard.press('Escape');
      await page.getByTestId('remove-contact').waitFor({ state: 'detached' });
      expect(
        await page.getByTestId('contact-menu').evaluate((element) => element === document.activeElement),
      ).toBe(true);
      await page.keyboard.press('Escape');
      await new ConversationListScreen(page).root().waitFor();
    });

    it('at 200 % zoom the box and Send are on screen and work', async () => {
      // A popup is at most 800 × 600 device pixels: at 200 % that is 400 × 300 CSS pixels.
      await alicePopup.page.setViewportSize({ width: 400, height: 300 });
      try {
        await alicePopup.openChat('Bob');
        const conversation = new ConversationScreen(alicePopup.page);
        await tabTo(alicePopup.page, conversation.composer());
        await alicePopup.page.keyboard.type('Zoomed in');
        expect(await inViewport(alicePopup, '#composer-text')).toBe(true);
        expect(await inViewport(alicePopup, '.composer button[type="submit"]')).toBe(true);
        // Nothing is cut off at the side.
        expect(
          await alicePopup.page.evaluate(() => document.documentElement.scrollWidth),
        ).toBeLessThanOrEqual(400);
        await conversation.sendButton().click();
        await bobPopup.message('Zoomed in').waitFor();
      } finally {
        await alicePopup.page.setViewportSize(POPUP);
      }
    });

    it('Settings open the options page: checked; a theme picked there applies to the popup at once and holds', async () => {
      const page = alicePopup.page;
      await page.emulateMedia({ colorScheme: 'light' });
      const theme = (on: Page): Promise<string> =>
        on.evaluate(() => document.documentElement.dataset['theme'] ?? 'system');
      // The popup's Settings button (the status bar's) opens the options page in a tab.
      await new StatusBarScreen(page).settings().waitFor();
      const options = await alicePopup.openOptions();
      await options.page.setViewportSize(OPTIONS);
      await options.theme('dark').waitFor();
      await check(options.page, 'settings', OPTIONS);
      await options.theme('dark').check();
      expect(await theme(options.page)).toBe('dark');
      // The popup, open meanwhile, follows through storage.
      await expect.poll(() => theme(page)).toBe('dark');
      await options.close();
      await page.reload();
      await page.locator('#app > *').first().waitFor();
      expect(await theme(page)).toBe('dark');
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
        'rgb(18, 20, 24)',
      );

      const again = await alicePopup.openOptions();
      // The picker reads the stored choice once the page is up.
      await expect.poll(() => again.theme('dark').isChecked()).toBe(true);
      await again.theme('system').check();
      await expect.poll(() => theme(page)).toBe('system');
      await again.close();
    });

    it('locked: checked, and unlocked with the keyboard', async () => {
      await alicePopup.lock();
      const lock = new LockScreen(alicePopup.page);
      await check(alicePopup.page, 'lock');
      expect(await lock.passphrase().evaluate((element) => element === document.activeElement)).toBe(true);
      await alicePopup.page.keyboard.type(TEST_PASSPHRASE);
      await alicePopup.page.keyboard.press('Enter');
      await alicePopup.waitOnline();
      expect(checked).toEqual([
        'onboarding',
        'new-conversation',
        'public-rooms',
        'request-in-list',
        'request',
        'conversation',
        'conversation-list',
        'transfers',
        'room',
        'contact-menu',
        'settings',
        'lock',
      ]);
    });
  },
);
