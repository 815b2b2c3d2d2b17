import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { IDBPDatabase } from 'idb';
import { open, seal, type Sealed } from '../vault/seal';
import type { VaultKeys } from '../vault/vault';
import type { MessengerDB } from './schema';
import type { Durability, Writes } from './writes';

/** Sealed key-value records: the engine's small state (settings, identity, prekeys, contacts, sessions). */
export interface Records {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown, durability?: Durability): Promise<void>;
  delete(key: string, durability?: Durability): Promise<void>;
  /** Every record whose key starts with `prefix`. */
  list(prefix: string): Promise<unknown[]>;
  /** An opaque, stable key for `text` (a contact id, a name): HMAC under the vault's index key. */
  readonly tag: (text: string) => string;
}

/** A record sealed for its key: it opens only under that key (see seal's purpose). */
export const sealRecord = (keys: VaultKeys, key: string, value: unknown): Sealed =>
  seal(keys.records, `records/${key}`, value);

export const openRecord = (keys: VaultKeys, key: string, sealed: Sealed): unknown =>
  open(keys.records, `records/${key}`, sealed);

export function createRecords(db: IDBPDatabase<MessengerDB>, writes: Writes, keys: VaultKeys): Records {
  return {
    async get(key) {
      await writes.flush();
      const sealed = await db.get('records', key);
      return sealed && openRecord(keys, key, sealed);
    },
    put: (key, value, durability) => writes.put('records', key, sealRecord(keys, key, value), durability),
    delete: (key, durability) => writes.delete('records', key, durability),
    async list(prefix) {
      await writes.flush();
      const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
      const tx = db.transaction('records');
      const found: unknown[] = [];
      for (let cursor = await tx.store.openCursor(range); cursor; cursor = await cursor.continue())
        found.push(openRecord(keys, cursor.key, cursor.value));
      await tx.done;
      return found;
    },
    tag: (text) => tagOf(keys, text),
  };
}

/** Tags kept per vault key: each message step tags the same contact and message ids several times. */
const TAGS_KEPT = 4096;
const tagCaches = new WeakMap<VaultKeys, Map<string, string>>();

export function tagOf(keys: VaultKeys, text: string): string {
  let cache = tagCaches.get(keys);
  if (!cache) tagCaches.set(keys, (cache = new Map<string, string>()));
  let tag = cache.get(text);
  if (tag === undefined) {
    tag = Array.from(hmac(sha256, keys.index, new TextEncoder().encode(text)).subarray(0, 16), (byte) =>
      byte.toString(16).padStart(2, '0'),
    ).join('');
    if (cache.size >= TAGS_KEPT) cache.clear(); // bounded; the next tags are simply computed again
    cache.set(text, tag);
  }
  return tag;
}
