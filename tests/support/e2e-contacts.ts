import type { Page } from 'playwright-core';
import type { Contact } from '../../extension/lib/messaging/protocol';
import { engineCall } from './engine-port';

/** Polls the engine's state until `name` is listed with `check` true, and returns that contact. */
export async function waitForContact(
  page: Page,
  name: string,
  check: (contact: Contact) => boolean,
  timeoutMs = 20_000,
): Promise<Contact> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await engineCall(page, 'getState', {});
    const contact = state.contacts.find((listed) => listed.name === name);
    if (contact && check(contact)) return contact;
    if (Date.now() > deadline)
      throw new Error(`waitForContact: ${name} is ${contact ? JSON.stringify(contact) : 'not listed'}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Makes two signed-in profiles contacts the way users do, through the engine: one asks by name, the other accepts
 * the request once it arrives; resolves when each sees the other online.
 */
export async function becomeContacts(
  asker: { readonly page: Page; readonly name: string },
  answerer: { readonly page: Page; readonly name: string },
): Promise<void> {
  await engineCall(asker.page, 'addContact', { query: answerer.name });
  const request = await waitForContact(answerer.page, asker.name, (contact) => contact.state === 'incoming');
  await engineCall(answerer.page, 'acceptContact', { userId: request.userId });
  await Promise.all([
    waitForContact(asker.page, answerer.name, (contact) => contact.online),
    waitForContact(answerer.page, asker.name, (contact) => contact.online),
  ]);
}

/** Every pair of these profiles becomes contacts (in order: each asks those after it). */
export async function allContacts(
  profiles: readonly { readonly page: Page; readonly name: string }[],
): Promise<void> {
  for (const [index, asker] of profiles.entries())
    for (const answerer of profiles.slice(index + 1)) await becomeContacts(asker, answerer);
}
