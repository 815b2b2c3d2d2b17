/**
 * A message as the conversation list previews it: plain text on one line, cut to MAX_PREVIEW_LENGTH, and what kind
 * of message it is. The engine makes each conversation's (engine/recent.ts); a page makes one for a message it
 * shows before the engine's list has come.
 */
import { MAX_PREVIEW_LENGTH } from '../../shared/limits';
import type { RecentMessage } from './messaging/conversation-protocol';
import type { ChatMessage } from './model';

/** `text` on one line (each run of spaces and line breaks one space), cut to `max` characters with an ellipsis. */
export function previewText(text: string, max = MAX_PREVIEW_LENGTH): string {
  // A prefix only: a 10,000-character message is not scanned for a 100-character preview.
  const line = text
    .slice(0, max * 4)
    .replace(/\s+/gu, ' ')
    .trim();
  if (line.length <= max && text.length <= max * 4) return line;
  const cut = line.slice(0, max - 1).trimEnd();
  // Never half of a surrogate pair (an emoji cut in two shows as a replacement character).
  return `${/[\uD800-\uDBFF]$/u.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/** The preview of `message`; `fromName` names the writer of an incoming room message. */
export function previewOf(message: ChatMessage, fromName?: string): RecentMessage {
  const kind = message.deleted ? 'deleted' : message.file ? 'file' : message.call ? 'call' : 'text';
  // A file's message text is its name, a call's says how it went: the text serves every kind.
  return {
    kind,
    text: previewText(message.text),
    at: message.sentAt,
    direction: message.direction,
    ...(message.direction === 'in' && message.from
      ? { from: message.from, ...(fromName === undefined ? {} : { fromName }) }
      : {}),
    ...(message.edited !== undefined && !message.deleted ? { edited: true as const } : {}),
  };
}
