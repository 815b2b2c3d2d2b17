import type { UserId } from '../../../shared/ids';
import type { ChatMessage } from '../messaging/protocol';
import type { HistoryStore } from '../storage/history-store';

/**
 * Messages per contact, in the order this engine learned of them; a message id is stored once. Backed by the
 * encrypted history, with each conversation cached in memory once read.
 */
export interface Conversations {
  /** Adds or updates a message; resolves false when an incoming message with that id was already known. */
  upsert(message: ChatMessage): Promise<boolean>;
  list(peerId: UserId): Promise<readonly ChatMessage[]>;
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
    async upsert(message) {
      const messages = await load(message.peerId);
      const index = messages.findIndex((known) => known.id === message.id);
      const known = messages[index];
      // Only our own outgoing messages change (their status); a repeated incoming id is a duplicate.
      if (known && (known.direction === 'in' || message.direction === 'in')) return false;
      if (known) messages[index] = message;
      else messages.push(message);
      await history.put(message);
      return true;
    },
    async list(peerId) {
      return [...(await load(peerId))];
    },
  };
}
