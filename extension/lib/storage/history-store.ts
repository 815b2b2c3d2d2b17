import type { IDBPDatabase } from 'idb';
import type { UserId, ConversationId } from '../../../shared/ids';
import type { ChatMessage } from '../model';
import { open, seal } from '../vault/seal';
import type { VaultKeys } from '../vault/vault';
import { openRecord, sealRecord, tagOf } from './records';
import type { MessengerDB, StoredMessage } from './schema';
import type { Durability, Writes } from './writes';

/** The encrypted history: each message sealed on its own, found by opaque keys. */
export interface HistoryStore {
  /** A contact's messages in the order this engine learned of them. */
  list(peerId: UserId): Promise<ChatMessage[]>;
  /** The message with this id in this conversation (one read by its key), if stored. */
  get(peerId: ConversationId, id: string): Promise<ChatMessage | undefined>;
  /**
   * The newest `limit` messages stored before the message `before` (before the end without it), oldest first: a
   * page read through the conversation's index, whatever the length of its history. None when `before` is not
   * stored.
   */
  page(peerId: ConversationId, before: string | undefined, limit: number): Promise<ChatMessage[]>;
  /** The id of the message of this conversation that took the edit or delete `changeId` (ChatMessage.changes). */
  changeTarget(peerId: ConversationId, changeId: string): Promise<string | undefined>;
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

/** The key in the store of the message `id` of a conversation: an HMAC of both. */
const keyOf = (keys: VaultKeys, peerId: ConversationId, id: string): string => tagOf(keys, `${peerId}/${id}`);

/** A message's key in the store: an HMAC of contact and message id. */
export const messageKey = (keys: VaultKeys, message: ChatMessage): string =>
  keyOf(keys, message.peerId, message.id);

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

/**
 * The record naming the message that took a change (an edit or delete, by its id): found by one read, never a walk
 * through the history. Its key is an HMAC, like a message's; what it adds to what anyone reading the database
 * sees is how many changes were taken in all, not in which conversation.
 */
export const changeRecordKey = (keys: VaultKeys, peerId: ConversationId, changeId: string): string =>
  `change:${tagOf(keys, `change/${peerId}/${changeId}`)}`;

/**
 * The record saying every change of the history has its change record (see changeRecordKey). A database written
 * before change records has none: the first look-up writes them all, once (see `indexChanges`).
 */
export const CHANGES_INDEXED_KEY = 'history:changes-indexed';

/** The change records of `message`, each with its key, sealed. */
export const changeRecords = (
  keys: VaultKeys,
  message: ChatMessage,
): { readonly key: string; readonly sealed: ReturnType<typeof sealRecord> }[] =>
  (message.changes ?? []).map((changeId) => {
    const key = changeRecordKey(keys, message.peerId, changeId);
    return { key, sealed: sealRecord(keys, key, message.id) };
  });

// Sealed by this store under the vault key for this message's key: one that opens is what this store wrote.
const openMessage = (keys: VaultKeys, key: string, stored: StoredMessage): ChatMessage =>
  open(keys.records, `messages/${key}`, stored.sealed) as ChatMessage;

/** Every index entry of one conversation. */
const conversationRange = (conversation: string): IDBKeyRange =>
  IDBKeyRange.bound([conversation, -Infinity], [conversation, Infinity]);

/** The most messages one read of a whole conversation asks for at once (one structured clone, not 100,000). */
const LIST_CHUNK = 2000;

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
  /** Change records written (or under way) by this store: a message's later puts do not write them again. */
  const recorded = new Set<string>();
  /** The change records of `message` not written yet, taken as written (see `recorded`). */
  const newChangeRecords = (message: ChatMessage): ReturnType<typeof changeRecords> => {
    const fresh = changeRecords(keys, message).filter(({ key }) => !recorded.has(key));
    for (const { key } of fresh) recorded.add(key);
    return fresh;
  };
  let indexing: Promise<void> | undefined;
  /** Writes the change records a database from before them lacks: once per database, at its first look-up. */
  const changesIndexed = (): Promise<void> =>
    (indexing ??= indexChanges(db, writes, keys).catch((error: unknown) => {
      indexing = undefined; // tried again at the next look-up
      throw error;
    }));

  /** Opens the stored messages of one conversation's index read, learning their places. */
  const opened = (values: StoredMessage[], primaryKeys: string[]): ChatMessage[] =>
    values.map((stored, at) => {
      const key = primaryKeys[at] ?? '';
      places.set(key, stored.seq);
      return openMessage(keys, key, stored);
    });

  return {
    async list(peerId) {
      await writes.flush();
      const conversation = tagOf(keys, peerId);
      const index = db.transaction('messages').store.index('by-conversation');
      const messages: ChatMessage[] = [];
      // In chunks, each after the last place read: a place is one message's (see put).
      let range = conversationRange(conversation);
      let last = -1;
      for (;;) {
        const [values, primaryKeys] = await Promise.all([
          index.getAll(range, LIST_CHUNK),
          index.getAllKeys(range, LIST_CHUNK),
        ]);
        messages.push(...opened(values, primaryKeys));
        last = values.at(-1)?.seq ?? last;
        if (values.length < LIST_CHUNK) break;
        range = IDBKeyRange.bound([conversation, last], [conversation, Infinity], true);
      }
      nextPlaces.set(conversation, Math.max(nextPlaces.get(conversation) ?? 0, last + 1));
      return messages;
    },
    async get(peerId, id) {
      await writes.flush();
      const key = keyOf(keys, peerId, id);
      const stored = await db.get('messages', key);
      if (!stored) return undefined;
      places.set(key, stored.seq);
      return openMessage(keys, key, stored);
    },
    async page(peerId, before, limit) {
      await writes.flush();
      const conversation = tagOf(keys, peerId);
      const tx = db.transaction('messages');
      const index = tx.store.index('by-conversation');
      const all = conversationRange(conversation);
      // Where the page ends (the place of `before`, or past the last), and the conversation's first place.
      const [end, first] = await Promise.all([
        before === undefined
          ? index.openKeyCursor(all, 'prev').then((last) => last && last.key[1] + 1)
          : tx.store.get(keyOf(keys, peerId, before)).then((stored) => stored?.seq),
        index.openKeyCursor(all).then((cursor) => cursor?.key[1]),
      ]);
      if (before === undefined && typeof end === 'number')
        nextPlaces.set(conversation, Math.max(nextPlaces.get(conversation) ?? 0, end));
      // Places are ranks (0, 1, 2…): the `limit` places below the end hold the page, unless some are missing
      // (a write that failed), and then the next ones below do.
      const chunks: ChatMessage[][] = [];
      let count = 0;
      let upper = end ?? undefined;
      while (upper !== undefined && first !== undefined && upper > first && count < limit) {
        const lower = Math.max(first, upper - (limit - count));
        const range = IDBKeyRange.bound([conversation, lower], [conversation, upper], false, true);
        const [values, primaryKeys] = await Promise.all([index.getAll(range), index.getAllKeys(range)]);
        chunks.unshift(opened(values, primaryKeys));
        count += values.length;
        upper = lower;
      }
      await tx.done;
      return chunks.flat().slice(-limit);
    },
    async changeTarget(peerId, changeId) {
      await changesIndexed();
      await writes.flush();
      const key = changeRecordKey(keys, peerId, changeId);
      const sealed = await db.get('records', key);
      const id = sealed && openRecord(keys, key, sealed);
      return typeof id === 'string' ? id : undefined;
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
      const records = newChangeRecords(message);
      let seq = places.get(key);
      const next = nextPlaces.get(conversation);
      if (seq === undefined && next !== undefined) {
        // Taken before any await: a put started meanwhile gets the place after it.
        seq = next;
        learn(conversation, key, seq);
      }
      try {
        // Its place known: one write, in whatever transaction the engine's step is writing (see Writes), with the
        // records of the changes it took.
        if (seq !== undefined) {
          await Promise.all([
            writes.put('messages', key, storedMessage(keys, key, message, seq), durability),
            ...records.map((record) => writes.put('records', record.key, record.sealed, durability)),
          ]);
          return;
        }
        const tx = db.transaction(['messages', 'records'], 'readwrite');
        const messages = tx.objectStore('messages');
        seq = (await messages.get(key))?.seq;
        if (seq === undefined) {
          // Next in its conversation, counted in this same transaction: nothing else can take the place meanwhile.
          const last = await messages
            .index('by-conversation')
            .openKeyCursor(conversationRange(conversation), 'prev');
          // Past any place a put without a read took while this one waited.
          seq = Math.max(last ? last.key[1] + 1 : 0, nextPlaces.get(conversation) ?? 0);
        }
        learn(conversation, key, seq);
        for (const record of records) void tx.objectStore('records').put(record.sealed, record.key);
        await messages.put(storedMessage(keys, key, message, seq), key);
        await tx.done;
      } catch (error) {
        for (const { key: written } of records) recorded.delete(written); // not written: the next put tries
        throw error;
      }
    },
  };
}

/**
 * Writes the change record of every change in the history, unless the database says it has them: a database
 * written before change records. One walk through the whole history, once; puts meanwhile write their own.
 */
async function indexChanges(db: IDBPDatabase<MessengerDB>, writes: Writes, keys: VaultKeys): Promise<void> {
  await writes.flush();
  if (await db.get('records', CHANGES_INDEXED_KEY)) return;
  const records: ReturnType<typeof changeRecords> = [];
  const store = db.transaction('messages').store;
  let range: IDBKeyRange | undefined;
  for (;;) {
    const [values, primaryKeys] = await Promise.all([
      store.getAll(range, LIST_CHUNK),
      store.getAllKeys(range, LIST_CHUNK),
    ]);
    values.forEach((stored, at) =>
      records.push(...changeRecords(keys, openMessage(keys, primaryKeys[at] ?? '', stored))),
    );
    const last = primaryKeys.at(-1);
    if (last === undefined || values.length < LIST_CHUNK) break;
    range = IDBKeyRange.lowerBound(last, true);
  }
  const tx = db.transaction('records', 'readwrite');
  for (const { key, sealed } of records) void tx.store.put(sealed, key);
  void tx.store.put(sealRecord(keys, CHANGES_INDEXED_KEY, true), CHANGES_INDEXED_KEY);
  await tx.done;
}
