/**
 * Search in a conversation: messages whose text holds the query, in any case, newest first. A scan of the history
 * decrypted in memory, newest first (Conversations.scan): it stops once it has `limit` matches, and one that reads
 * to the first message leaves the conversation held whole, so the next search (the next letter typed) reads no
 * disk. Linear in the length of what it reads; no index of the plaintext is kept anywhere.
 */
import type { ChatMessage } from '../model';
import type { Conversations } from './conversations';
import type { ConversationId } from '../../../shared/ids';

/** Whether `message` is one a search for `needle` (lower case) finds: its text holds it, and it is not deleted. */
const matches = (message: ChatMessage, needle: string): boolean =>
  !message.deleted && message.text.toLocaleLowerCase().includes(needle);

/** The messages of a conversation that hold `query`, newest first, `limit` at most. */
export async function searchConversation(
  conversations: Pick<Conversations, 'scan'>,
  peerId: ConversationId,
  query: string,
  limit: number,
): Promise<ChatMessage[]> {
  const needle = query.toLocaleLowerCase();
  const found: ChatMessage[] = [];
  if (limit <= 0) return found;
  await conversations.scan(peerId, (message) => {
    if (matches(message, needle)) found.push(message);
    return found.length < limit;
  });
  return found;
}
