import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MENU_IDS, targetMenuId } from '../../extension/lib/share/menu-items';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { onlineUsers, type ChromeUser } from '../support/chrome-extension';
import { waitForContact } from '../support/e2e-contacts';
import { waitForMessage } from '../support/e2e-messages';
import { engineCall } from '../support/engine-port';
import { listDownloads } from '../support/downloads';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';
import { ShareMenuDriver } from '../support/share-menu';
import { TEST_PNG, startSharePages, type SharePages } from '../support/share-pages';
import type { ConversationId } from '../../shared/ids';

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('sharing from the context menu (Chrome)', () => {
  let server: TestServer;
  let pages: SharePages;
  let users: ChromeUser[] = [];
  let alicePopup: PopupPage;
  let bobPopup: PopupPage;
  let menu: ShareMenuDriver;
  let aliceId: ConversationId;
  let bobId: ConversationId;

  beforeAll(async () => {
    [server, pages] = await Promise.all([startTestServer(), startSharePages()]);
    let popups: PopupPage[];
    ({ users, popups } = await onlineUsers(['Alice', 'Bob'], server.url));
    [alicePopup, bobPopup] = popups as [PopupPage, PopupPage];
    menu = new ShareMenuDriver(users[0] as ChromeUser);
    bobId = (await waitForContact(alicePopup.page, 'Bob', (contact) => contact.online)).userId;
    aliceId = (await waitForContact(bobPopup.page, 'Alice', (contact) => contact.online)).userId;
  }, 120_000);
  afterAll(async () => {
    await Promise.all(users.map((user) => user.close()));
    await pages.close();
    await server.close();
  });

  it('lists Bob under "Send to…" once he is a contact, with "Choose…", and "Send a file…" on pages and the button', async () => {
    const items = await menu.waitForItems((built) => built.some((item) => item.id === targetMenuId(bobId)));
    expect(items.find((item) => item.id === targetMenuId(bobId))).toMatchObject({
      parentId: MENU_IDS.sendTo,
      title: 'Bob',
    });
    expect(items.find((item) => item.id === MENU_IDS.sendTo)?.contexts).toEqual(
      expect.arrayContaining(['image', 'link', 'selection', 'page', 'audio', 'video']),
    );
    expect(items.find((item) => item.id === MENU_IDS.choose)?.parentId).toBe(MENU_IDS.sendTo);
    expect(items.find((item) => item.id === MENU_IDS.sendFile)?.contexts).toEqual(['page', 'action']);
  });

  it('sends a link clicked on to Bob, who finds it in his conversation with Alice', async () => {
    const outcome = await menu.click(
      { menuItemId: targetMenuId(bobId), linkUrl: pages.linkUrl, pageUrl: pages.pageUrl },
      { title: 'A page to share from' },
    );
    expect(outcome).toMatchObject({ kind: 'sent' });
    const message = await waitForMessage(bobPopup.page, aliceId, (each) => each.text.includes(pages.linkUrl));
    expect(message.direction).toBe('in');
  });

  it('sends a selection with the page it is on', async () => {
    const outcome = await menu.click(
      {
        menuItemId: targetMenuId(bobId),
        selectionText: 'Cats sleep for most of the day.',
        pageUrl: pages.pageUrl,
      },
      { title: 'A page to share from' },
    );
    expect(outcome).toMatchObject({ kind: 'sent' });
    const message = await waitForMessage(bobPopup.page, aliceId, (each) =>
      each.text.includes('Cats sleep for most of the day.'),
    );
    expect(message.text).toContain(pages.pageUrl);
  });

  it('fetches an image clicked on in a page served on loopback and delivers it to Bob as a file, saved whole', async () => {
    // The page as Alice sees it, for the image's address as the browser resolved it.
    const tab = await (users[0] as ChromeUser).context.newPage();
    await tab.goto(pages.pageUrl);
    const srcUrl = await tab.locator('#cat').evaluate((image) => (image as HTMLImageElement).currentSrc);
    expect(srcUrl).toBe(pages.imageUrl);
    const outcome = await menu.click(
      { menuItemId: targetMenuId(bobId), mediaType: 'image', srcUrl, pageUrl: pages.pageUrl },
      { title: await tab.title() },
    );
    await tab.close();
    expect(outcome).toMatchObject({ kind: 'sent' });
    const offer = await waitForMessage(bobPopup.page, aliceId, (each) => each.file !== undefined);
    expect(offer.file).toMatchObject({ size: TEST_PNG.length, type: 'image/png' });
    expect(offer.file?.name).toMatch(/cat/);

    // Bob takes it: it arrives, checked against its hash, and is saved through the downloads with all its bytes.
    await engineCall(bobPopup.page, 'answerFile', {
      conversation: aliceId,
      messageId: offer.id,
      accept: true,
    });
    await expect
      .poll(async () => {
        const transfers = await engineCall(bobPopup.page, 'listTransfers', {});
        return transfers.find((transfer) => transfer.messageId === offer.id)?.state;
      })
      .toBe('done');
    const saved = (await listDownloads(bobPopup.page)).filter((item) => item.state === 'complete');
    expect(saved.map((item) => item.fileSize)).toContain(TEST_PNG.length);
  });

  it('still lists Bob after Chrome stops the idle service worker and starts it again', async () => {
    await (users[0] as ChromeUser).stopServiceWorker();
    // Anything wakes the worker: here the popup asking it to make sure the engine runs.
    await alicePopup.page.reload();
    const items = await menu.waitForItems((built) => built.some((item) => item.id === targetMenuId(bobId)));
    expect(items.find((item) => item.id === targetMenuId(bobId))?.title).toBe('Bob');
  });
});
