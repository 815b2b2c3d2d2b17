import type { IDBPDatabase } from 'idb';
import type { MessengerDB } from '../schema';

/** Version 2: the identity key pairs (the user id now derives from the signing key). */
export function migrate002(db: IDBPDatabase<MessengerDB>): void {
  db.createObjectStore('identity');
}
