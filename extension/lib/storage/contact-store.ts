import { nameKey } from '../../../shared/names';
import type { ContactStore, PinnedContact } from '../engine/contacts';
import type { Records } from './records';

const PREFIX = 'contact:';

/** Pins by HMAC of the name: the record keys say nothing about who the contacts are. */
export function createContactStore(records: Records): ContactStore {
  return {
    all: async () => (await records.list(PREFIX)) as PinnedContact[],
    pin: (contact) => records.put(`${PREFIX}${records.tag(nameKey(contact.name))}`, contact),
  };
}
