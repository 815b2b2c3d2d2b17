import type { IDBPDatabase } from 'idb';
import { nameKey } from '../../../shared/names';
import type { ContactStore } from '../engine/contacts';
import type { MessengerDB } from './schema';

export function createContactStore(database: Promise<IDBPDatabase<MessengerDB>>): ContactStore {
  return {
    async all() {
      return (await database).getAll('contacts');
    },
    async pin(contact) {
      await (await database).put('contacts', contact, nameKey(contact.name));
    },
  };
}
