import type { IDBPDatabase } from 'idb';
import type { MessengerDB } from '../schema';

/** Version 1: a key-value store for the user's settings (name, server URL, user id). */
export function migrate001(db: IDBPDatabase<MessengerDB>): void {
  db.createObjectStore('settings');
}
