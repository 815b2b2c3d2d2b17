import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MENU_IDS } from '../../extension/lib/share/menu-items';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { onlineUsers, type ChromeUser } from '../support/chrome-extension';
import { waitForContact } from '../support/e2e-contacts';
import { waitForMessage } from '../support/e2e-messages';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';
import { ShareMenuDriver } from '../support/share-menu';
import type { ConversationId } from '../../shared/ids';

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('the share window (Chrome)', () => {
  let server: TestServer;
  let users: ChromeUser[] = [];
  let alice: ChromeUser;
  let bobPopup: PopupPage;
  let aliceId: ConversationId;
  let bobId: ConversationId;

  beforeAll(async () => {
    server = await startTestServer();
    let popups: PopupPage[];
    ({ users, popups } = await onlineUsers(['Alice', 'Bob'], server.url));
    alice = users[0] as ChromeUser;
    const [alicePopup] = popups as [PopupPage, PopupPage];
    bobPopup = popups[1] as PopupPage;
    bobId = (await waitForContact(alicePopup.page, 'Bob', (contact) => contact.online)).userId;
    aliceId = (await waitForContact(bobPopup.page, 'Alice', (contact) => contact.online)).userId;
  }, 120_000);
  afterAll(async () => {
    await Promise.all(users.map((user) => user.close()));
    await server.close();
  });

  it('sends several files picked at once to the conversation it was opened for, one offer per file', async () => {
    const page = await alice.context.newPage();
    await page.goto(`chrome-extension://${alice.extensionId}/share.html?to=${bobId}`);
    expect(await page.getByRole('radio', { name: 'Bob' }).isChecked()).toBe(true);
    await page.getByLabel('Choose files').setInputFiles([
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('first file\n') },
      { name: 'data.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(3000, 7) },
    ]);
    await page.getByRole('list', { name: 'Chosen files' }).getByText('data.bin').waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Sent to Bob.' }).waitFor();
    const notes = await waitForMessage(
      bobPopup.page,
      aliceId,
      (message) => message.file?.name === 'notes.txt',
    );
    const data = await waitForMessage(bobPopup.page, aliceId, (message) => message.file?.name === 'data.bin');
    expect([notes.file?.size, data.file?.size]).toEqual([11, 3000]);
  });

  it('says what is missing instead of sending: no conversation chosen, no file', async () => {
    const page = await alice.context.newPage();
    await page.goto(`chrome-extension://${alice.extensionId}/share.html`);
    await page.getByRole('radio', { name: 'Bob' }).waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Not sent: choose whom to send to' }).waitFor();
    await page.getByRole('radio', { name: 'Bob' }).check();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Not sent: choose at least one file' }).waitFor();
    await page.close();
  });

  it('opens from the context menu’s "Choose…" on the link clicked, which goes to the conversation chosen there', async () => {
    const menu = new ShareMenuDriver(alice);
    const linkUrl = 'https://example.com/chosen?from=share-window';
    const opened = alice.context.waitForEvent('page', {
      predicate: (page) => new URL(page.url()).pathname === '/share.html',
    });
    expect(
      await menu.click({ menuItemId: MENU_IDS.choose, linkUrl, pageUrl: 'https://example.com/' }),
    ).toEqual({ kind: 'window' });
    const page = await opened;
    await page.getByRole('heading', { name: 'Send a link' }).waitFor();
    await page.getByRole('region', { name: 'What will be sent' }).getByText(linkUrl).waitFor();
    expect(await page.getByLabel('Choose files').count()).toBe(0);
    await page.getByRole('searchbox', { name: 'Search contacts and rooms' }).fill('bo');
    await page.getByRole('radio', { name: 'Bob' }).check();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await waitForMessage(bobPopup.page, aliceId, (message) => message.text.includes(linkUrl));
  });
});
