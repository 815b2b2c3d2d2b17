import type { UserId } from '../../../shared/ids';
import type { ChatMessage } from '../model';
import type { HistoryStore } from '../storage/history-store';

/**
 * Messages per contact, in the order this engine learned of them; a message id is stored once. Backed by the
 * encrypted history, with each conversation cached in memory once read.
 */
export interface Conversations {
  /** Adds a message; resolves false when one with that id is already known (a duplicate, or a spoof of ours). */
  add(message: ChatMessage): Promise<boolean>;
  /** Stores a known message's new state (its status, its path) in place; false if it is not known. */
  update(message: ChatMessage): Promise<boolean>;
  list(peerId: UserId): Promise<readonly ChatMessage[]>;
  get(peerId: UserId, id: string): Promise<ChatMessage | undefined>;
}

export function createConversations(history: HistoryStore): Conversations {
  const byPeer = new Map<UserId, Promise<ChatMessage[]>>();
  const load = (peerId: UserId): Promise<ChatMessage[]> => {
    let loading = byPeer.get(peerId);
    if (!loading) {
      loading = history.list(peerId);
      byPeer.set(peerId, loading);
    }
    return loading;
  };
  return {
    async add(message) {
      const messages = await load(message.peerId);
      if (messages.some((known) => known.id === message.id)) return false;
      messages.push(message);
      await history.put(message);
      return true;
    },
    async update(message) {
      const messages = await load(message.peerId);
      const index = messages.findIndex(
        (known) => known.id === message.id && known.direction === message.direction,
      );
      if (index < 0) return false;
      messages[index] = message;
      await history.put(message);
      return true;
    },
    async list(peerId) {
      return [...(await load(peerId))];
    },
    async get(peerId, id) {
      return (await load(peerId)).find((message) => message.id === id);
    },
  };
}
