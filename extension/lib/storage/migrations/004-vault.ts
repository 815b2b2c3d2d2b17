import type { IDBPDatabase } from 'idb';
import type { MessengerDB } from '../schema';

/**
 * Version 4: the vault (encrypted storage). The plaintext stores of versions 1–3 stay until the user sets a
 * passphrase; then their content is sealed into `records` and they are emptied (see vault-storage).
 */
export function migrate004(db: IDBPDatabase<MessengerDB>): void {
  db.createObjectStore('vault');
  db.createObjectStore('records');
  db.createObjectStore('messages').createIndex('by-conversation', ['conversation', 'seq']);
}
