import type { ChatMessage, MessageStatus } from '../model';
import type { Durability } from '../storage/writes';
import type { Conversations } from './conversations';
import type { ConversationId } from '../../../shared/ids';

/** How far each status is along; a message's status only moves forward (a late `sent` never undoes `read`). */
export const STATUS_RANK: Record<MessageStatus, number> = {
  failed: 0,
  sending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
};

/** The message with a new status, and without the error of a failed attempt. */
export const withStatus =
  (status: MessageStatus) =>
  (known: ChatMessage): ChatMessage => {
    const next: { -readonly [K in keyof ChatMessage]: ChatMessage[K] } = { ...known, status };
    delete next.error;
    return next;
  };

export interface MessageLogDeps {
  /** Tells the pages of a new message, or of a known one's new state. */
  readonly emit: (message: ChatMessage) => void;
}

/** The history as the pages see it change: every stored change is pushed to them. */
export interface MessageLog {
  /**
   * Stores a new message, telling the pages at once (a page may show it before it is on disk: a crash then makes
   * the sender send it again, never loses it); false for a duplicate, else `stored` resolves once it is on disk.
   */
  record(
    conversations: Conversations,
    message: ChatMessage,
    durability?: Durability,
  ): Promise<{ readonly stored: Promise<void> } | false>;
  /**
   * Moves a known message forward (status, path, error) and tells the pages; never backwards, and never a
   * message of the other direction (ids are chosen by their sender: an incoming one may copy an outgoing id).
   */
  advance(
    conversations: Conversations,
    peerId: ConversationId,
    id: string,
    direction: ChatMessage['direction'],
    change: (known: ChatMessage) => ChatMessage | undefined,
  ): Promise<void>;
}

export function createMessageLog({ emit }: MessageLogDeps): MessageLog {
  return {
    async record(conversations, message, durability) {
      const adding = await conversations.add(message, durability);
      if (adding) emit(message);
      return adding;
    },
    async advance(conversations, peerId, id, direction, change) {
      const next = await conversations.change(peerId, id, direction, (known) => {
        const changed = change(known);
        return changed && STATUS_RANK[changed.status] >= STATUS_RANK[known.status] ? changed : undefined;
      });
      if (next) emit(next);
    },
  };
}
