import { ErrorCode } from '../../../shared/errors';
import { randomId, type UserId, type ConversationId } from '../../../shared/ids';
import type { ChatMessage, ReplyQuote } from '../model';
import type { Admission } from './contact-book';
import type { FileOffer } from '../../../shared/protocol/content';
import type { MessageChange } from './message-changes';
import { quoteOf } from './quotes';
import { contentOf } from './content';
import { EngineError } from '../errors';
import { STATUS_RANK, type MessageLog } from './message-log';
import type { Profile } from './profile';

export interface SendingDeps {
  readonly now: () => number;
  readonly log: MessageLog;
}

/** Outgoing messages: who they go to, and their way into the history and the outbox. */
export interface Sending {
  /** Who a conversation's messages go to: the contact, or the room's other members. */
  recipients(opened: Profile, conversation: ConversationId): UserId[];
  /** Whom a new message in the conversation goes to; throws if this profile may not write there. */
  checkedRecipients(opened: Profile, peerId: ConversationId): UserId[];
  /**
   * Stores a new message in the history and the outbox (for each recipient); resolves once it is stored. With
   * `replyTo`, it answers that message of the conversation (quoted).
   */
  sendText(opened: Profile, peerId: ConversationId, text: string, replyTo?: string): Promise<ChatMessage>;
  /** Puts an edit or delete in the outbox for each recipient, like a message; resolves once it is stored. */
  sendChange(opened: Profile, peerId: ConversationId, change: MessageChange): Promise<void>;
  /** Offers a file as message `id` (its text is the file's name), like a text message. */
  sendFile(opened: Profile, peerId: ConversationId, id: string, offer: FileOffer): Promise<ChatMessage>;
  /**
   * Puts restored messages that no recipient had confirmed back in the outbox (a backup holds no outbox):
   * receivers and the mailbox drop what they already have.
   */
  requeue(opened: Profile, messages: readonly ChatMessage[]): Promise<void>;
}

const NOT_A_CONTACT: Record<Exclude<Admission, 'contact'>, string> = {
  request: 'Accept their contact request before writing to them',
  blocked: 'You blocked this user: unblock them to write to them',
  stranger: 'Add them as a contact first: your first word to someone is a contact request',
};

/** Only contacts (accepted, or asked and not yet answering) are written to; a stranger gets a request. */
function refuseUnlessContact(admission: Admission): void {
  if (admission !== 'contact') throw new EngineError(ErrorCode.InvalidPayload, NOT_A_CONTACT[admission]);
}

export function createSending({ now, log }: SendingDeps): Sending {
  let lastSeq = 0;
  /** Increasing, and time-based so it keeps increasing across restarts: the outbox's order. */
  const nextSeq = (): number => (lastSeq = Math.max(lastSeq + 1, now() * 1000));

  const sending: Sending = {
    // Only members the room's signed log proves: a member the server made up gets nothing.
    recipients: (opened, conversation) =>
      opened.rooms.has(conversation) ? opened.rooms.recipients(conversation) : [conversation],
    checkedRecipients(opened, peerId) {
      if (!opened.settings) throw new EngineError(ErrorCode.Unauthenticated, 'Choose a name first');
      const room = opened.rooms.has(peerId);
      if (room && !opened.rooms.joined(peerId))
        throw new EngineError(ErrorCode.InvalidPayload, 'Join the room before writing in it');
      if (!room) refuseUnlessContact(opened.book.admits(peerId));
      return sending.recipients(opened, peerId);
    },
    async sendText(opened, peerId, text, replyTo) {
      if (replyTo === undefined) return send(opened, peerId, randomId(), text);
      const quoted = await opened.conversations.get(peerId, replyTo);
      if (!quoted || quoted.deleted)
        throw new EngineError(
          ErrorCode.NotFound,
          'The message you answer is not in this conversation any more',
        );
      return send(opened, peerId, randomId(), text, undefined, quoteOf(quoted, opened.selfId));
    },
    async sendChange(opened, peerId, change) {
      const to = sending.checkedRecipients(opened, peerId);
      const seq = nextSeq();
      await Promise.all(to.map((userId) => opened.delivery.send(userId, change, seq)));
    },
    sendFile: (opened, peerId, id, offer) => send(opened, peerId, id, offer.name, offer),
    async requeue(opened, messages) {
      for (const message of messages) {
        // A file's offer is not in the history (its key is in the transfer record), nor its File after a restore.
        if (message.file || message.deleted) continue;
        if (message.direction !== 'out' || STATUS_RANK[message.status] >= STATUS_RANK.delivered) continue;
        const to = message.awaiting?.delivered ?? [message.peerId];
        const seq = nextSeq();
        for (const userId of to) await opened.delivery.send(userId, contentOf(message), seq);
      }
    },
  };

  async function send(
    opened: Profile,
    peerId: ConversationId,
    id: string,
    text: string,
    offer?: FileOffer,
    reply?: ReplyQuote,
  ): Promise<ChatMessage> {
    const to = sending.checkedRecipients(opened, peerId);
    const room = opened.rooms.has(peerId);
    const message: ChatMessage = {
      id,
      peerId,
      direction: 'out',
      text,
      sentAt: now(),
      status: 'sending',
      ...(room ? { awaiting: { delivered: to, read: to } } : {}),
      ...(offer ? { file: { name: offer.name, size: offer.size, type: offer.type } } : {}),
      ...(reply ? { reply } : {}),
    };
    const content = { ...contentOf(message), ...(offer ? { file: offer } : {}) };
    // In the history and the outbox before anything leaves: from here on, nothing can lose it. A room message
    // is sealed for each member on their own session (pairwise fan-out).
    const seq = nextSeq();
    await Promise.all([
      log
        .record(opened.conversations, message)
        .then((recording) => (recording ? recording.stored : undefined)),
      ...to.map((userId) => opened.delivery.send(userId, content, seq)),
    ]);
    return message;
  }
  return sending;
}
