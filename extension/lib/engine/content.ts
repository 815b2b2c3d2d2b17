import {
  CONTENT_VERSION,
  ContentSchema,
  type ChatContent,
  type Content,
} from '../../../shared/protocol/content';
import { parse } from '../../../shared/validate';
import type { ChatMessage } from '../model';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What the ratchet seals: the content as UTF-8 JSON. */
export const encodeContent = (content: Content): Uint8Array => encoder.encode(JSON.stringify(content));

/** What a peer sealed, parsed in full; throws with the reason when it is not valid content. */
export function decodeContent(plaintext: Uint8Array): Content {
  const parsed = parse(ContentSchema, JSON.parse(decoder.decode(plaintext)));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** What an outgoing message carries; a room message (one awaiting members) names its room. */
export const contentOf = (message: ChatMessage): ChatContent => ({
  v: CONTENT_VERSION,
  kind: 'chat',
  id: message.id,
  text: message.text,
  sentAt: message.sentAt,
  ...(message.awaiting ? { room: message.peerId } : {}),
  ...(message.reply ? { reply: { id: message.reply.id, text: message.reply.text } } : {}),
});
