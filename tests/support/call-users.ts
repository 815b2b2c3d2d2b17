/**
 * Chrome users for call tests, set up through the engine (no clicks): an extension page to ask the engine from,
 * signing up, and two users becoming contacts.
 */
import type { Page } from 'playwright-core';
import { eventually } from './call-window';
import type { ChromeUser } from './chrome-extension';
import { waitForContact } from './e2e-contacts';
import { engineCall } from './engine-port';
import { TEST_PASSPHRASE } from './popup-page';

/** An extension page to ask the engine from (the popup's address; the test never clicks in it). */
export async function enginePage(user: ChromeUser): Promise<Page> {
  const page = await user.context.newPage();
  await page.goto(`chrome-extension://${user.extensionId}/popup.html`);
  return page;
}

/** First start through the engine, on `serverUrl`; resolves once online. */
export async function signUp(page: Page, name: string, serverUrl: string): Promise<void> {
  await engineCall(page, 'setUp', { name, serverUrl, autoLockMinutes: 0, passphrase: TEST_PASSPHRASE });
  await eventually(
    `${name} online`,
    () => engineCall(page, 'getState', {}),
    (state) => state.connection.status === 'online',
  );
}

/** `asker` asks `answerer` by name (until the server has their keys), who accepts; each other's user ids. */
export async function callContacts(
  asker: { readonly page: Page; readonly name: string },
  answerer: { readonly page: Page; readonly name: string },
): Promise<{ askerId: string; answererId: string }> {
  await eventually(
    `${asker.name} asks ${answerer.name}`,
    () =>
      engineCall(asker.page, 'addContact', { query: answerer.name }).then(
        () => true,
        () => false,
      ),
    (asked) => asked,
  );
  const request = await waitForContact(answerer.page, asker.name, (contact) => contact.state === 'incoming');
  await engineCall(answerer.page, 'acceptContact', { userId: request.userId });
  const answererId = (await waitForContact(asker.page, answerer.name, (contact) => contact.online)).userId;
  const askerId = (await waitForContact(answerer.page, asker.name, (contact) => contact.online)).userId;
  return { askerId, answererId };
}
