import type { UserId } from '../../../shared/ids';
import { parse } from '../../../shared/validate';
import { ContactRecordSchema, type ContactRecord } from '../model';
import type { Records } from './records';
import type { ContactBookStore } from './stores';

const PREFIX = 'book:';

/** The record key of a contact: an HMAC of their user id, so the keys say nothing about who they are. */
export const contactBookKey = (tag: (text: string) => string, userId: UserId): string =>
  `${PREFIX}${tag(userId)}`;

export function createContactBookStore(records: Records): ContactBookStore {
  return {
    async all() {
      const contacts: ContactRecord[] = [];
      for (const stored of await records.list(PREFIX)) {
        // Sealed under the vault key, so written by this store; parsed anyway, as a backup restores them too.
        const contact = parse(ContactRecordSchema, stored);
        if (contact.ok) contacts.push(contact.value);
        else console.warn(`engine: a stored contact is unreadable (${contact.message})`);
      }
      return contacts;
    },
    put: (contact) => records.put(contactBookKey(records.tag, contact.userId), contact),
    delete: (userId) => records.delete(contactBookKey(records.tag, userId)),
  };
}
