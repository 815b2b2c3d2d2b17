import { nameKey } from '../../../shared/names';
import type { PinnedContact } from '../model';
import type { ContactStore } from './stores';
import type { Records } from './records';

const PREFIX = 'contact:';

/** The record key of a contact's pin: an HMAC of their name. */
export const contactRecordKey = (tag: (text: string) => string, contact: PinnedContact): string =>
  `${PREFIX}${tag(nameKey(contact.name))}`;

/** Pins by HMAC of the name: the record keys say nothing about who the contacts are. */
export function createContactStore(records: Records): ContactStore {
  return {
    // Sealed by pin() under the vault key for each record's key: one that opens is what this store wrote.
    all: async () => (await records.list(PREFIX)) as PinnedContact[],
    pin: (contact) => records.put(contactRecordKey(records.tag, contact), contact),
  };
}
