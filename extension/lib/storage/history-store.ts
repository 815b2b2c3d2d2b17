import type { IDBPDatabase } from 'idb';
import type { UserId } from '../../../shared/ids';
import type { ChatMessage } from '../messaging/protocol';
import { open, seal } from '../vault/seal';
import type { VaultKeys } from '../vault/vault';
import { tagOf } from './records';
import type { MessengerDB, StoredMessage } from './schema';

/** The encrypted history: each message sealed on its own, found by opaque keys. */
export interface HistoryStore {
  /** A contact's messages in the order this engine learned of them. */
  list(peerId: UserId): Promise<ChatMessage[]>;
  /** Every message with every contact, each conversation in its order (for a backup). */
  all(): Promise<ChatMessage[]>;
  /** Adds a message, or replaces a known one (same contact and id) keeping its place. */
  put(message: ChatMessage): Promise<void>;
}

/** A message's key in the store: an HMAC of contact and message id. */
export const messageKey = (keys: VaultKeys, message: ChatMessage): string =>
  tagOf(keys, `${message.peerId}/${message.id}`);

/** The stored form of `message` under `key` (see messageKey), at place `seq` of its conversation. */
export const storedMessage = (
  keys: VaultKeys,
  key: string,
  message: ChatMessage,
  seq: number,
): StoredMessage => ({
  conversation: tagOf(keys, message.peerId),
  seq,
  sealed: seal(keys.records, `messages/${key}`, message),
});

const openMessage = (keys: VaultKeys, key: string, stored: StoredMessage): ChatMessage =>
  open(keys.records, `messages/${key}`, stored.sealed) as ChatMessage;

export function createHistoryStore(db: IDBPDatabase<MessengerDB>, keys: VaultKeys): HistoryStore {
  let lastSeq = 0;
  const nextSeq = (): number => (lastSeq = Math.max(lastSeq + 1, Date.now() * 1000));
  return {
    async list(peerId) {
      const conversation = tagOf(keys, peerId);
      const range = IDBKeyRange.bound([conversation, -Infinity], [conversation, Infinity]);
      const tx = db.transaction('messages');
      const messages: ChatMessage[] = [];
      for (
        let cursor = await tx.store.index('by-conversation').openCursor(range);
        cursor;
        cursor = await cursor.continue()
      ) {
        messages.push(openMessage(keys, cursor.primaryKey, cursor.value));
      }
      await tx.done;
      return messages;
    },
    async all() {
      const tx = db.transaction('messages');
      const messages: ChatMessage[] = [];
      // By conversation, each in its order: a restore numbers them in this order.
      const index = tx.store.index('by-conversation');
      for (let cursor = await index.openCursor(); cursor; cursor = await cursor.continue())
        messages.push(openMessage(keys, cursor.primaryKey, cursor.value));
      await tx.done;
      return messages;
    },
    async put(message) {
      const key = messageKey(keys, message);
      const tx = db.transaction('messages', 'readwrite');
      const known = await tx.store.get(key);
      await tx.store.put(storedMessage(keys, key, message, known?.seq ?? nextSeq()), key);
      await tx.done;
    },
  };
}
