import type { IDBPDatabase } from 'idb';
import type { UserId } from '../../../shared/ids';
import type { ChatMessage, ConversationId } from '../model';
import { open, seal } from '../vault/seal';
import type { VaultKeys } from '../vault/vault';
import { tagOf } from './records';
import type { MessengerDB, StoredMessage } from './schema';
import type { Durability, Writes } from './writes';

/** The encrypted history: each message sealed on its own, found by opaque keys. */
export interface HistoryStore {
  /** A contact's messages in the order this engine learned of them. */
  list(peerId: UserId): Promise<ChatMessage[]>;
  /** Every message with every contact, each conversation in its order (for a backup). */
  all(): Promise<ChatMessage[]>;
  /** Adds a message, or replaces a known one (same contact and id) keeping its place. */
  put(message: ChatMessage, durability?: Durability): Promise<void>;
  /**
   * The last message of each of these conversations (none for one without any): one index entry and one message
   * opened per conversation, whatever the length of its history.
   */
  newest(peerIds: readonly ConversationId[]): Promise<Map<ConversationId, ChatMessage>>;
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

// Sealed by this store under the vault key for this message's key: one that opens is what this store wrote.
const openMessage = (keys: VaultKeys, key: string, stored: StoredMessage): ChatMessage =>
  open(keys.records, `messages/${key}`, stored.sealed) as ChatMessage;

/** Every index entry of one conversation. */
const conversationRange = (conversation: string): IDBKeyRange =>
  IDBKeyRange.bound([conversation, -Infinity], [conversation, Infinity]);

export function createHistoryStore(
  db: IDBPDatabase<MessengerDB>,
  writes: Writes,
  keys: VaultKeys,
): HistoryStore {
  // Places already known, by message key, and each conversation's next place once known. The engine is the
  // history's only writer, so a status change or a new message is then one put with no read before it (each
  // IndexedDB request is a round trip to the browser process).
  const places = new Map<string, number>();
  const nextPlaces = new Map<string, number>();
  const learn = (conversation: string, key: string, seq: number): void => {
    places.set(key, seq);
    nextPlaces.set(conversation, Math.max(nextPlaces.get(conversation) ?? 0, seq + 1));
  };
  return {
    async list(peerId) {
      await writes.flush();
      const conversation = tagOf(keys, peerId);
      const tx = db.transaction('messages');
      const messages: ChatMessage[] = [];
      let last = -1;
      for (
        let cursor = await tx.store.index('by-conversation').openCursor(conversationRange(conversation));
        cursor;
        cursor = await cursor.continue()
      ) {
        messages.push(openMessage(keys, cursor.primaryKey, cursor.value));
        places.set(cursor.primaryKey, cursor.value.seq);
        last = cursor.value.seq;
      }
      await tx.done;
      nextPlaces.set(conversation, Math.max(nextPlaces.get(conversation) ?? 0, last + 1));
      return messages;
    },
    async all() {
      await writes.flush();
      const tx = db.transaction('messages');
      const messages: ChatMessage[] = [];
      // By conversation, each in its order: a restore numbers them in this order.
      const index = tx.store.index('by-conversation');
      for (let cursor = await index.openCursor(); cursor; cursor = await cursor.continue())
        messages.push(openMessage(keys, cursor.primaryKey, cursor.value));
      await tx.done;
      return messages;
    },
    async newest(peerIds) {
      await writes.flush();
      const tx = db.transaction('messages');
      const index = tx.store.index('by-conversation');
      // Every cursor asked for at once, in one transaction: one round of requests for the whole list.
      const lasts = await Promise.all(
        peerIds.map(async (peerId) => {
          const cursor = await index.openCursor(conversationRange(tagOf(keys, peerId)), 'prev');
          return cursor && ([peerId, openMessage(keys, cursor.primaryKey, cursor.value)] as const);
        }),
      );
      await tx.done;
      return new Map(lasts.filter((last) => last !== null));
    },
    async put(message, durability) {
      const key = messageKey(keys, message);
      const conversation = tagOf(keys, message.peerId);
      let seq = places.get(key);
      const next = nextPlaces.get(conversation);
      if (seq === undefined && next !== undefined) {
        // Taken before any await: a put started meanwhile gets the place after it.
        seq = next;
        learn(conversation, key, seq);
      }
      // Its place known: one write, in whatever transaction the engine's step is writing (see Writes).
      if (seq !== undefined)
        return writes.put('messages', key, storedMessage(keys, key, message, seq), durability);
      const tx = db.transaction('messages', 'readwrite');
      seq = (await tx.store.get(key))?.seq;
      if (seq === undefined) {
        // Next in its conversation, counted in this same transaction: nothing else can take the place meanwhile.
        const last = await tx.store
          .index('by-conversation')
          .openKeyCursor(conversationRange(conversation), 'prev');
        // Past any place a put without a read took while this one waited.
        seq = Math.max(last ? last.key[1] + 1 : 0, nextPlaces.get(conversation) ?? 0);
      }
      learn(conversation, key, seq);
      await tx.store.put(storedMessage(keys, key, message, seq), key);
      await tx.done;
    },
  };
}
