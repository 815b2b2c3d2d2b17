import type { IDBPDatabase } from 'idb';
import type { MessengerDB } from '../schema';

/** Version 3: contacts' identity keys, pinned on first sight. */
export function migrate003(db: IDBPDatabase<MessengerDB>): void {
  db.createObjectStore('contacts');
}
