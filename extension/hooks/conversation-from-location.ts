import * as v from 'valibot';
import { ConversationIdSchema, type ConversationId } from '../../shared/ids';

/**
 * The conversation a page was opened on (`popup.html?conversation=<id>`, as a message notice opens it), checked;
 * undefined for none or a malformed one.
 */
export function conversationFromLocation(search: string = location.search): ConversationId | undefined {
  const parsed = v.safeParse(ConversationIdSchema, new URLSearchParams(search).get('conversation'));
  return parsed.success ? parsed.output : undefined;
}
