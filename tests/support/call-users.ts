/**
 * Users for call tests, set up through the engine (no clicks): an extension page to ask the engine from, signing
 * up, two users becoming contacts, and two Chrome users ready to call each other.
 */
import type { Page } from 'playwright-core';
import type { EngineMethod, EngineRequest, EngineResponses } from '../../extension/lib/messaging/protocol';
import { eventually } from './call-window';
import { ChromeUser } from './chrome-extension';
import { waitForContact } from './e2e-contacts';
import { engineCall } from './engine-port';
import { TEST_PASSPHRASE } from './popup-page';

/** One user's engine, asked from whichever browser holds it (engineCall or firefoxEngineCall on a page). */
export type EngineAsk = <M extends EngineMethod>(
  method: M,
  params: EngineRequest<M>,
) => Promise<EngineResponses[M]>;

/** An extension page to ask the engine from (the popup's address; the test never clicks in it). */
export async function enginePage(user: ChromeUser): Promise<Page> {
  const page = await user.context.newPage();
  await page.goto(`chrome-extension://${user.extensionId}/popup.html`);
  return page;
}

/** First start through the engine, on `serverUrl`; resolves once online. */
export async function signUpWith(ask: EngineAsk, name: string, serverUrl: string): Promise<void> {
  await ask('setUp', { name, serverUrl, autoLockMinutes: 0, passphrase: TEST_PASSPHRASE });
  await eventually(
    `${name} online`,
    () => ask('getState', {}),
    (state) => state.connection.status === 'online',
  );
}

export const signUp = (page: Page, name: string, serverUrl: string): Promise<void> =>
  signUpWith((method, params) => engineCall(page, method, params), name, serverUrl);

/** `asker` asks `answererName` to be contacts, again until the server has the answerer's keys. */
export async function askContact(ask: EngineAsk, askerName: string, answererName: string): Promise<void> {
  await eventually(
    `${askerName} asks ${answererName}`,
    () =>
      ask('addContact', { query: answererName }).then(
        () => true,
        () => false,
      ),
    (asked) => asked,
  );
}

/** `asker` asks `answerer` by name (until the server has their keys), who accepts; each other's user ids. */
export async function callContacts(
  asker: { readonly page: Page; readonly name: string },
  answerer: { readonly page: Page; readonly name: string },
): Promise<{ askerId: string; answererId: string }> {
  await askContact((method, params) => engineCall(asker.page, method, params), asker.name, answerer.name);
  const request = await waitForContact(answerer.page, asker.name, (contact) => contact.state === 'incoming');
  await engineCall(answerer.page, 'acceptContact', { userId: request.userId });
  const answererId = (await waitForContact(asker.page, answerer.name, (contact) => contact.online)).userId;
  const askerId = (await waitForContact(answerer.page, asker.name, (contact) => contact.online)).userId;
  return { askerId, answererId };
}

/** Alice and Bob in Chrome with fake media, signed up and each other's contacts. */
export interface ChromeCallPair {
  readonly alice: ChromeUser;
  readonly bob: ChromeUser;
  readonly aliceEngine: Page;
  readonly bobEngine: Page;
  readonly aliceId: string;
  readonly bobId: string;
  close(): Promise<void>;
}

/** Alice signs up on `serverUrl`, Bob on `bobServerUrl` (a middlebox in front of it, say); Alice asks Bob. */
export async function chromeCallPair(serverUrl: string, bobServerUrl = serverUrl): Promise<ChromeCallPair> {
  const [alice, bob] = await Promise.all([
    ChromeUser.launch({ fakeMedia: true }),
    ChromeUser.launch({ fakeMedia: true }),
  ]);
  const [aliceEngine, bobEngine] = await Promise.all([enginePage(alice), enginePage(bob)]);
  await signUp(aliceEngine, 'Alice', serverUrl);
  await signUp(bobEngine, 'Bob', bobServerUrl);
  const { askerId: aliceId, answererId: bobId } = await callContacts(
    { page: aliceEngine, name: 'Alice' },
    { page: bobEngine, name: 'Bob' },
  );
  return {
    alice,
    bob,
    aliceEngine,
    bobEngine,
    aliceId,
    bobId,
    close: async () => {
      await Promise.all([alice.close(), bob.close()]);
    },
  };
}
