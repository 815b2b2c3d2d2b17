import type { IDBPDatabase } from 'idb';
import { createIdentityKeys, type IdentityKeys } from '../crypto/identity';
import type { MessengerDB } from './schema';

export interface IdentityStore {
  /** This profile's identity keys, created (once) on first use. */
  loadOrCreate(): Promise<IdentityKeys>;
}

export function createIdentityStore(database: Promise<IDBPDatabase<MessengerDB>>): IdentityStore {
  let loading: Promise<IdentityKeys> | undefined;
  return {
    loadOrCreate() {
      loading ??= (async () => {
        const db = await database;
        // One transaction, so two contexts starting at once cannot create two identities.
        const tx = db.transaction('identity', 'readwrite');
        const existing = await tx.store.get('keys');
        const keys = existing ?? createIdentityKeys();
        if (!existing) await tx.store.put(keys, 'keys');
        await tx.done;
        return keys;
      })();
      return loading;
    },
  };
}
