import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { ChromeUser } from '../support/chrome-extension';
import { waitForContact } from '../support/e2e-contacts';
import { engineCall } from '../support/engine-port';
import { fileCard } from '../support/file-cards';
import { expectInert, expectLiteral, textOnly } from '../support/inert-text';
import { reply } from '../support/message-actions';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

// Each payload sets its own flag on the page if it ever runs. Bob's server name: the server takes markup in a name
// (at most 32 characters of one script, no control or invisible characters: shared/names.ts).
const NAME = '<img src=x onerror=self.h1=1>';
const DISPLAY_NAME = '<script>self.h2=1</script><b>Bo</b>';
const BIO =
  '<iframe src="javascript:self.h3=1"></iframe><svg onload=self.h3=1><a href="javascript:self.h3=1">me</a>';
const GREETING = '<a href="javascript:self.h4=1">accept me</a><style>*{display:none}</style>';
const MESSAGE = '<img src=x onerror="self.h5=1;alert(5)"><script>self.h5=1</script>&lt;b&gt;';
/** Only the address before the quote is a link: a quote ends an address (LinkifiedText.tsx). */
const LINKS =
  'javascript:alert(6) JaVaScRiPt:self.h6=1 https://x/"><img src=x onerror=self.h6=1> data:text/html,<b>';
const FILE_NAME = '<img src=x onerror=self.h7=1>.txt';
const FLAGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7'];

/**
 * Hostile text from a contact, in every place the popup shows text someone else chose: Bob's name on the server,
 * his profile's display name and bio, a greeting, messages, links and a file's name. Alice's popup shows each as
 * the characters he typed: no element is made of them, no dialog opens, no payload runs, and the only link is to
 * the web.
 */
describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('hostile text from a contact (Chrome)', () => {
  let server: TestServer;
  const users: ChromeUser[] = [];
  let bob: ChromeUser;
  let alicePopup: PopupPage;
  let bobPopup: PopupPage;
  /** Dialogs (alert, confirm, prompt) Alice's popup opened. */
  const dialogs: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    const [alice, launched] = await Promise.all([ChromeUser.launch(), ChromeUser.launch()]);
    bob = launched;
    users.push(alice, bob);
    [alicePopup, bobPopup] = await Promise.all([alice.openPopup(), bob.openPopup()]);
    alicePopup.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss().catch(() => undefined);
    });
    await alicePopup.chooseName('Alice', server.url);
    await bobPopup.chooseName(NAME, server.url);
    await Promise.all([alicePopup.waitOnline(), bobPopup.waitOnline()]);
  });
  afterAll(async () => {
    await Promise.all(users.map((user) => user.close()));
    await server.close();
  });

  /** Alice's popup as a whole: nothing active made of the payloads, none of them run, no dialog opened. */
  async function aliceUntouched(): Promise<void> {
    await expectInert(alicePopup.page, FLAGS);
    expect(dialogs).toEqual([]);
  }

  it('a request from a name that is markup, with a greeting that is markup, shows both as text', async () => {
    expect(await bobPopup.page.getByTestId('self-name').textContent()).toBe(NAME);
    await bobPopup.addContact('Alice', GREETING);

    await expectLiteral(alicePopup.request(NAME).locator('.row-name'), NAME);
    await alicePopup.openRequest(NAME);
    await expectLiteral(alicePopup.page.locator('#conversation-title'), NAME);
    await expectLiteral(alicePopup.message(GREETING), GREETING);
    await aliceUntouched();

    await alicePopup.acceptRequest(NAME);
    await expectLiteral(alicePopup.contact(NAME).locator('.row-name'), NAME);
    await aliceUntouched();
  });

  it('a display name and a bio that are markup show as text in the list, the conversation and its safety number', async () => {
    await engineCall(bobPopup.page, 'saveProfile', { displayName: DISPLAY_NAME, bio: BIO });
    await waitForContact(alicePopup.page, NAME, (contact) => contact.profile?.bio === BIO);

    await alicePopup.showList();
    const row = alicePopup.contact(DISPLAY_NAME);
    await expectLiteral(row.locator('.row-name'), DISPLAY_NAME);
    // Beside it, the name the server vouches for, after words said to a screen reader only.
    const serverName = row.locator('.server-name');
    expect(await serverName.textContent()).toBe(`, on the server: ${NAME}`);
    expect(await serverName.locator('*').count()).toBe(1);

    await alicePopup.openChat(DISPLAY_NAME);
    await expectLiteral(alicePopup.page.locator('#conversation-title'), DISPLAY_NAME);
    await expectLiteral(alicePopup.page.getByTestId('server-name'), `(${NAME})`);
    await expectLiteral(alicePopup.page.getByTestId('profile-bio'), BIO);

    await alicePopup.page.getByRole('button', { name: 'Safety number' }).click();
    const hint = alicePopup.page.locator('.safety-number .hint');
    await hint.waitFor();
    expect(await hint.textContent()).toContain(DISPLAY_NAME);
    expect(await hint.locator('*').count()).toBe(0);
    await alicePopup.page.getByRole('button', { name: 'Safety number' }).click();
    await aliceUntouched();
  });

  it('messages and links that are markup show as text; only the web address is a link, and a reply quotes them as text', async () => {
    await bobPopup.openChat('Alice');
    await bobPopup.send(MESSAGE);
    await bobPopup.send(LINKS);

    await expectLiteral(alicePopup.message(MESSAGE), MESSAGE);
    const links = alicePopup.message(LINKS);
    await links.waitFor();
    expect(await links.textContent()).toBe(LINKS);
    // One element only: the link to https://x/, opened in a new tab with no opener; the rest is text.
    expect(await links.locator('*').count()).toBe(1);
    const link = links.locator('a');
    expect(await link.textContent()).toBe('https://x/');
    expect(await link.getAttribute('href')).toBe('https://x/');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');

    // The list's preview of the newest message: as text, cut short (with an ellipsis) to fit its line.
    await alicePopup.showList();
    const preview = await textOnly(
      alicePopup.contact(DISPLAY_NAME).getByTestId('row-preview').locator('bdi'),
    );
    expect(preview.endsWith('…') && LINKS.startsWith(preview.slice(0, -1)), preview).toBe(true);

    await alicePopup.openChat(DISPLAY_NAME);
    await reply(alicePopup, MESSAGE, 'Nice try');
    const quote = alicePopup.bubble('Nice try').getByTestId('message-quote');
    await expectLiteral(quote.locator('.log-quote-name'), DISPLAY_NAME);
    await expectLiteral(quote.locator('.log-quote-text'), MESSAGE);
    await aliceUntouched();
  });

  it("a file's name that is markup shows as text on its card, its buttons and the list's preview", async () => {
    const opened = bob.context.waitForEvent('page', {
      predicate: (page) => new URL(page.url()).pathname === '/share.html',
    });
    await bobPopup.page.getByRole('button', { name: 'Send a file', exact: true }).click();
    const share = await opened;
    await share
      .getByLabel('Choose files')
      .setInputFiles({ name: FILE_NAME, mimeType: 'text/plain', buffer: Buffer.from('harmless\n') });
    await share.getByRole('button', { name: 'Send', exact: true }).click();
    await share.getByRole('status').filter({ hasText: 'Sent to Alice.' }).waitFor();
    await share.close();

    await alicePopup.openChat(DISPLAY_NAME);
    const card = fileCard(alicePopup, FILE_NAME);
    await expectLiteral(card.getByTestId('file-name'), FILE_NAME);
    expect(await card.getByTestId('file-name').getAttribute('title')).toBe(FILE_NAME);
    await card.getByRole('button', { name: `Accept ${FILE_NAME}`, exact: true }).waitFor();
    await alicePopup.showList();
    await expectLiteral(
      alicePopup.contact(DISPLAY_NAME).getByTestId('row-preview').locator('bdi'),
      FILE_NAME,
    );
    await aliceUntouched();
  });
});
