/** Replies: the quote a reply shows of the message it answers, taken from this profile's own history when it can. */
import type { UserId, ConversationId } from '../../../shared/ids';
import { MAX_QUOTE_LENGTH } from '../../../shared/limits';
import type { ReplyTo } from '../../../shared/protocol/content';
import type { ChatMessage, ReplyQuote } from '../model';
import type { Conversations } from './conversations';

/** The start of a text, at most MAX_QUOTE_LENGTH characters, never ending in half a surrogate pair. */
export function preview(text: string): string {
  if (text.length <= MAX_QUOTE_LENGTH) return text;
  const cut = text.slice(0, MAX_QUOTE_LENGTH);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** The quote of a message of the history: its text (none once deleted) and who wrote it. */
export const quoteOf = (message: ChatMessage, selfId: UserId): ReplyQuote => ({
  id: message.id,
  text: message.deleted ? '' : preview(message.text),
  from: message.direction === 'out' ? selfId : (message.from ?? message.peerId),
});

/**
 * What an incoming reply shows: the quoted message as this profile has it (a sender cannot misquote it), or the
 * sender's preview when it is not here (sent before we joined the room, say), with no author.
 */
export async function resolveReply(
  conversations: Conversations,
  conversation: ConversationId,
  reply: ReplyTo,
  selfId: UserId,
): Promise<ReplyQuote> {
  const quoted = await conversations.get(conversation, reply.id);
  return quoted ? quoteOf(quoted, selfId) : { id: reply.id, text: preview(reply.text) };
}
