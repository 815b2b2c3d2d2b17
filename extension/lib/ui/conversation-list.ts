import type { RecentList, RecentMessage } from '../messaging/conversation-protocol';
import type { Contact, RoomView } from '../messaging/protocol';
import { previewOf } from '../message-preview';
import type { ChatMessage } from '../model';
import type { ConversationId } from '../../../shared/ids';

/** The newest message of a conversation, as its row in the list shows it: the engine's preview of it. */
export type ConversationSummary = RecentMessage;

export type Summaries = ReadonlyMap<ConversationId, ConversationSummary>;

/** One row of the conversation list: an accepted contact, or a room (joined or invited to). */
export type ConversationEntry =
  | {
      readonly kind: 'contact';
      readonly id: ConversationId;
      readonly name: string;
      readonly contact: Contact;
    }
  | { readonly kind: 'room'; readonly id: ConversationId; readonly name: string; readonly room: RoomView };

/** `summaries` as the engine's `list` leaves them: its whole list instead, or with the conversations it changed. */
export function withRecent(summaries: Summaries, list: RecentList): Summaries {
  const next = new Map(list.whole ? [] : summaries);
  for (const [conversation, preview] of Object.entries(list.conversations)) next.set(conversation, preview);
  return next;
}

/**
 * `summaries` with `message` for its conversation when the engine has previewed none there yet (a conversation
 * shown before the engine's list came); the same map otherwise: the engine's preview is the one that counts.
 */
export function withMessage(summaries: Summaries, message: ChatMessage): Summaries {
  if (summaries.has(message.peerId)) return summaries;
  return new Map(summaries).set(message.peerId, previewOf(message));
}

/**
 * Contacts and rooms in one list, most recently active first (the newest message known), then those with unread
 * messages, then online contacts, then by name.
 */
export function sortEntries(
  entries: readonly ConversationEntry[],
  summaries: Summaries,
  unread: Readonly<Record<ConversationId, number>>,
): ConversationEntry[] {
  const online = (entry: ConversationEntry): number =>
    entry.kind === 'contact' ? Number(entry.contact.online) : 0;
  return [...entries].sort(
    (a, b) =>
      (summaries.get(b.id)?.at ?? 0) - (summaries.get(a.id)?.at ?? 0) ||
      Number((unread[b.id] ?? 0) > 0) - Number((unread[a.id] ?? 0) > 0) ||
      online(b) - online(a) ||
      a.name.localeCompare(b.name),
  );
}

/** Whether a row matches what was typed in the filter: any of its names contains it, case and accents aside. */
export function matches(entry: ConversationEntry, query: string): boolean {
  const wanted = fold(query.trim());
  if (!wanted) return true;
  const names =
    entry.kind === 'contact' ? [entry.name, entry.contact.name, entry.contact.alias ?? ''] : [entry.name];
  return names.some((name) => fold(name).includes(wanted));
}

const fold = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLocaleLowerCase();

const timeFormat = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat([], { month: 'short', day: 'numeric' });
const yearFormat = new Intl.DateTimeFormat([], { year: 'numeric', month: 'short', day: 'numeric' });

/**
 * When, as a list row says it (the time today, the day this year, else the date) and for machines; nothing for a
 * time no Date can hold (a sender's clock is theirs to set: never a throw).
 */
export function shortTime(
  at: number,
  now = Date.now(),
): { readonly label: string; readonly iso: string } | undefined {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return undefined;
  const today = new Date(now);
  const label =
    date.toDateString() === today.toDateString()
      ? timeFormat.format(date)
      : date.getFullYear() === today.getFullYear()
        ? dayFormat.format(date)
        : yearFormat.format(date);
  return { label, iso: date.toISOString() };
}
