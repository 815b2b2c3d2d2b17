import type { IDBPDatabase } from 'idb';
import type { UserId } from '../../../shared/ids';
import type { ChatMessage } from '../messaging/protocol';
import { open, seal } from '../vault/seal';
import type { VaultKeys } from '../vault/vault';
import { tagOf } from './records';
import type { MessengerDB } from './schema';

/** The encrypted history: each message sealed on its own, found by opaque keys. */
export interface HistoryStore {
  /** A contact's messages in the order this engine learned of them. */
  list(peerId: UserId): Promise<ChatMessage[]>;
  /** Adds a message, or replaces a known one (same contact and id) keeping its place. */
  put(message: ChatMessage): Promise<void>;
}

export function createHistoryStore(db: IDBPDatabase<MessengerDB>, keys: VaultKeys): HistoryStore {
  let lastSeq = 0;
  const nextSeq = (): number => (lastSeq = Math.max(lastSeq + 1, Date.now() * 1000));
  const purpose = (key: string): string => `messages/${key}`;
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
        messages.push(open(keys.records, purpose(cursor.primaryKey), cursor.value.sealed) as ChatMessage);
      }
      await tx.done;
      return messages;
    },
    async put(message) {
      const key = tagOf(keys, `${message.peerId}/${message.id}`);
      const tx = db.transaction('messages', 'readwrite');
      const known = await tx.store.get(key);
      await tx.store.put(
        {
          conversation: tagOf(keys, message.peerId),
          seq: known?.seq ?? nextSeq(),
          sealed: seal(keys.records, purpose(key), message),
        },
        key,
      );
      await tx.done;
    },
  };
}
