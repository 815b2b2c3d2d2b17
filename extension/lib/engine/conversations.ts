import type { UserId } from '../../../shared/ids';
import type { ChatMessage } from '../model';
import type { HistoryStore } from '../storage/history-store';
import type { Durability } from '../storage/writes';

/**
 * Messages per contact, in the order this engine learned of them; a message id is stored once. Backed by the
 * encrypted history, with each conversation cached in memory once read.
 */
export interface Conversations {
  /**
   * Adds a message; resolves false when one with that id is already known (a duplicate, or a spoof of ours).
   * Otherwise the message is known at once (listed and found from here on) and `stored` resolves once it is on
   * disk; if that write fails, the message is forgotten again, so a copy sent again is taken.
   */
  add(message: ChatMessage, durability?: Durability): Promise<{ readonly stored: Promise<void> } | false>;
  /**
   * Changes a known message of this direction in place (its status, its path), at once in memory so that changes
   * never overwrite each other; resolves with the new message once stored, or undefined if there was none to
   * change (unknown, or `change` gave undefined).
   */
  change(
    peerId: UserId,
    id: string,
    direction: ChatMessage['direction'],
    change: (known: ChatMessage) => ChatMessage | undefined,
  ): Promise<ChatMessage | undefined>;
  list(peerId: UserId): Promise<readonly ChatMessage[]>;
  /**
   * The newest `limit` messages (all without it) before the message `before` (the newest of all without it),
   * oldest first: a page of history. None when `before` is not known.
   */
  page(peerId: UserId, before?: string, limit?: number): Promise<readonly ChatMessage[]>;
  /** The message with this id (of this direction, when given). */
  get(peerId: UserId, id: string, direction?: ChatMessage['direction']): Promise<ChatMessage | undefined>;
  /** The message that took the edit or delete `changeId` (ChatMessage.changes), if any: O(1) once indexed. */
  withChange(peerId: UserId, changeId: string): Promise<ChatMessage | undefined>;
  /** Resolves once every message added to the conversation so far is on disk, or forgotten for failing to be. */
  settled(peerId: UserId): Promise<void>;
}

export function createConversations(history: HistoryStore): Conversations {
  const byPeer = new Map<UserId, Promise<ChatMessage[]>>();
  const writing = new Map<UserId, Set<Promise<void>>>();
  /** By conversation: the id of each edit or delete taken, to the id of the message that took it. */
  const changeIndex = new Map<UserId, Map<string, string>>();
  const changesOf = async (peerId: UserId): Promise<Map<string, string>> => {
    const messages = await load(peerId);
    let index = changeIndex.get(peerId);
    if (!index) {
      index = new Map();
      for (const message of messages)
        for (const change of message.changes ?? []) index.set(change, message.id);
      changeIndex.set(peerId, index);
    }
    return index;
  };
  const load = (peerId: UserId): Promise<ChatMessage[]> => {
    let loading = byPeer.get(peerId);
    if (!loading) {
      loading = history.list(peerId);
      byPeer.set(peerId, loading);
    }
    return loading;
  };
  return {
    async add(message, durability) {
      const messages = await load(message.peerId);
      if (messages.some((known) => known.id === message.id)) return false;
      messages.push(message);
      const stored = history.put(message, durability).catch((error: unknown) => {
        const index = messages.indexOf(message);
        if (index >= 0) messages.splice(index, 1);
        throw error;
      });
      const pending = writing.get(message.peerId) ?? new Set();
      writing.set(message.peerId, pending);
      pending.add(stored);
      const done = (): void => void pending.delete(stored);
      stored.then(done, done);
      return { stored };
    },
    async change(peerId, id, direction, change) {
      const messages = await load(peerId);
      const index = messages.findIndex((known) => known.id === id && known.direction === direction);
      const known = messages[index];
      const next = known && change(known);
      if (!next) return undefined;
      messages[index] = next;
      for (const taken of next.changes ?? []) changeIndex.get(peerId)?.set(taken, next.id);
      await history.put(next, 'soon'); // a status a crash loses is made good again by the next receipt
      return next;
    },
    async list(peerId) {
      return [...(await load(peerId))];
    },
    async page(peerId, before, limit) {
      const messages = await load(peerId);
      // The newest copy of an id: ids are chosen by their senders, so an incoming one may repeat an outgoing one.
      const end = before === undefined ? messages.length : messages.findLastIndex(({ id }) => id === before);
      return end < 0 ? [] : messages.slice(limit === undefined ? 0 : Math.max(0, end - limit), end);
    },
    async get(peerId, id, direction) {
      return (await load(peerId)).find(
        (message) => message.id === id && (direction === undefined || message.direction === direction),
      );
    },
    async withChange(peerId, changeId) {
      const messageId = (await changesOf(peerId)).get(changeId);
      if (messageId === undefined) return undefined;
      return (await load(peerId)).find(
        (message) => message.id === messageId && message.changes?.includes(changeId),
      );
    },
    async settled(peerId) {
      await Promise.allSettled([...(writing.get(peerId) ?? [])]);
    },
  };
}
