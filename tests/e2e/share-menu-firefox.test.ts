import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MENU_IDS, targetMenuId } from '../../extension/lib/share/menu-items';
import { CHROMIUM_PATH, FIREFOX_PATH, browserAvailable } from '../support/browsers';
import { ChromeUser } from '../support/chrome-extension';
import { waitForContact } from '../support/e2e-contacts';
import { waitForMessage } from '../support/e2e-messages';
import { FirefoxUser } from '../support/firefox-extension';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';
import { FirefoxShareMenuDriver } from '../support/share-menu';
import { TEST_PNG, startSharePages, type SharePages } from '../support/share-pages';
import type { ConversationId } from '../../shared/ids';

const browsersPresent =
  browserAvailable(CHROMIUM_PATH, 'Chromium') && browserAvailable(FIREFOX_PATH, 'Firefox');

describe.runIf(browsersPresent)(
  'sharing from the context menu on Firefox (the background page hosts it)',
  () => {
    let server: TestServer;
    let pages: SharePages;
    const closers: (() => Promise<void>)[] = [];
    let menu: FirefoxShareMenuDriver;
    let carl: PopupPage;
    let carlId: ConversationId;
    let fionaId: ConversationId;

    beforeAll(async () => {
      [server, pages] = await Promise.all([startTestServer(), startSharePages()]);
      const [chrome, firefox] = await Promise.all([ChromeUser.launch(), FirefoxUser.launch()]);
      closers.push(
        () => chrome.close(),
        () => firefox.close(),
      );
      const fiona = await firefox.welcomePage();
      await fiona.chooseName('Fiona', server.url);
      await fiona.waitOnline();
      carl = await chrome.openPopup();
      await carl.chooseName('Carl', server.url);
      await carl.waitOnline();
      await fiona.addContact('Carl');
      await carl.request('Fiona').waitFor();
      await carl.acceptRequest('Fiona');
      await carl.waitContactOnline('Fiona');
      fionaId = (await waitForContact(carl.page, 'Fiona', (contact) => contact.online)).userId;
      menu = new FirefoxShareMenuDriver(fiona.page);
    }, 120_000);
    afterAll(async () => {
      await Promise.all(closers.map((close) => close()));
      await pages.close();
      await server.close();
    });

    it('builds the menu with Firefox’s contexts (browser_action) and lists Carl once he is a contact', async () => {
      const items = await menu.waitForItems((built) => built.some((item) => item.title === 'Carl'));
      const carlItem = items.find((item) => item.title === 'Carl');
      expect(carlItem?.parentId).toBe(MENU_IDS.sendTo);
      carlId = carlItem?.id.slice(targetMenuId('').length) ?? '';
      expect(carlItem?.id).toBe(targetMenuId(carlId));
      expect(items.find((item) => item.id === MENU_IDS.sendFile)?.contexts).toEqual([
        'page',
        'browser_action',
      ]);
    });

    it('sends a link with its text (Firefox gives it) to Carl in Chrome', async () => {
      const outcome = await menu.click({
        menuItemId: targetMenuId(carlId),
        linkUrl: pages.linkUrl,
        linkText: 'About cats',
        pageUrl: pages.pageUrl,
      });
      expect(outcome).toMatchObject({ kind: 'sent' });
      const message = await waitForMessage(carl.page, fionaId, (each) => each.text.includes(pages.linkUrl));
      expect(message.text).toContain('About cats');
    });

    it('fetches an image from a loopback page and offers it to Carl as a file', async () => {
      const outcome = await menu.click({
        menuItemId: targetMenuId(carlId),
        mediaType: 'image',
        srcUrl: pages.imageUrl,
        pageUrl: pages.pageUrl,
      });
      expect(outcome).toMatchObject({ kind: 'sent' });
      const offer = await waitForMessage(carl.page, fionaId, (each) => each.file !== undefined);
      expect(offer.file).toMatchObject({ size: TEST_PNG.length, type: 'image/png' });
    });
  },
);
