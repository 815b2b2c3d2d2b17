import type { UserId } from '../../../shared/ids';
import type { ChatMessage } from '../messaging/protocol';

/**
 * Messages per contact, in the order this engine learned of them; a message id is stored once.
 * In memory until the encrypted history lands.
 */
export interface Conversations {
  /** Adds or updates a message; returns false when an incoming message with that id was already known. */
  upsert(message: ChatMessage): boolean;
  list(peerId: UserId): readonly ChatMessage[];
}

export function createConversations(): Conversations {
  const byPeer = new Map<UserId, ChatMessage[]>();
  return {
    upsert(message) {
      const messages = byPeer.get(message.peerId) ?? [];
      byPeer.set(message.peerId, messages);
      const index = messages.findIndex((known) => known.id === message.id);
      if (index === -1) {
        messages.push(message);
        return true;
      }
      const known = messages[index];
      // Only our own outgoing messages change (their status); a repeated incoming id is a duplicate.
      if (!known || known.direction === 'in' || message.direction === 'in') return false;
      messages[index] = message;
      return true;
    },
    list(peerId) {
      return [...(byPeer.get(peerId) ?? [])];
    },
  };
}
