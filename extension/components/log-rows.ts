import { t } from '../lib/i18n';
import type { ChatMessage } from '../lib/model';

/** Consecutive messages of one sender at most this far apart form one group of bubbles. */
export const GROUP_GAP = 5 * 60_000; // ms

const DAY = 24 * 60 * 60_000; // ms

/** A message as the log shows it: where it stands among its neighbours. */
export interface LogRow {
  readonly message: ChatMessage;
  /** The day it starts, said in words ("Today", "Yesterday", a date): its divider. */
  readonly day: string | undefined;
  /** The first of its group: the sender's name shows, the bubble's top corner is round. */
  readonly groupStart: boolean;
  /** The last of its group. */
  readonly groupEnd: boolean;
}

/** Midnight, local time, of the day `time` falls in; NaN for a time no Date can hold. */
export function dayStart(time: number): number {
  const date = new Date(time);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

// One formatter each: building one per call costs the thread the popup shares with the engine (Chrome).
const dateFormat = new Intl.DateTimeFormat([], { day: 'numeric', month: 'long', year: 'numeric' });
const weekdayFormat = new Intl.DateTimeFormat([], { weekday: 'long' });
const timeFormat = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat([], { dateStyle: 'full', timeStyle: 'short' });

/** A day's divider: "Today", "Yesterday", the weekday within the week, else the date. */
export function dayLabel(time: number, now: number): string {
  const day = dayStart(time);
  if (Number.isNaN(day)) return t('unknownDate');
  // Rounded: a day with a change of clock (summer time) is 23 or 25 hours long.
  const daysAgo = Math.round((dayStart(now) - day) / DAY);
  if (daysAgo === 0) return t('today');
  if (daysAgo === 1) return t('yesterday');
  if (daysAgo > 1 && daysAgo < 7) return weekdayFormat.format(day);
  return dateFormat.format(day);
}

/** When a message was sent, said for people: relative within the hour, else the time of day. */
export interface ShownTime {
  readonly label: string;
  /** The full date and time (a tooltip). */
  readonly title: string;
  /** For machines (the <time> element's dateTime). */
  readonly iso: string;
}

/** How long ago counts as "now", and up to when a time is said relative to now. */
const JUST_NOW = 60_000; // ms
export const RELATIVE_UNTIL = 60 * 60_000; // ms

/** The time shown for `sentAt`; undefined for a time no Date can hold (never a throw). */
export function shownTime(sentAt: number, now: number): ShownTime | undefined {
  const date = new Date(sentAt);
  if (Number.isNaN(date.getTime())) return undefined;
  const ago = now - sentAt;
  let label: string;
  if (ago >= 0 && ago < JUST_NOW) label = t('justNow');
  else if (ago >= 0 && ago < RELATIVE_UNTIL) label = t('minutesAgo', [String(Math.floor(ago / 60_000))]);
  else label = timeFormat.format(date);
  return { label, title: fullFormat.format(date), iso: date.toISOString() };
}

/** Each message's day, worked out once: every render of the log asks again for each row and its neighbours. */
const days = new WeakMap<ChatMessage, number>();
function dayOf(message: ChatMessage): number {
  let day = days.get(message);
  if (day === undefined) {
    day = dayStart(message.sentAt);
    days.set(message, day);
  }
  return day;
}

/** Whether `next` continues the group of `previous`: same side, same sender, same day, close in time. */
export function sameGroup(previous: ChatMessage | undefined, next: ChatMessage | undefined): boolean {
  if (!previous || !next) return false;
  return (
    previous.direction === next.direction &&
    previous.from === next.from &&
    Math.abs(next.sentAt - previous.sentAt) <= GROUP_GAP &&
    dayOf(previous) === dayOf(next)
  );
}

/**
 * The rows of `messages[start, end)`, each placed by its neighbours in the whole list (a row looks the same
 * whichever window it is shown in). The first message held gets a divider: what is before it is not known here.
 */
export function logRows(messages: readonly ChatMessage[], start: number, end: number, now: number): LogRow[] {
  const rows: LogRow[] = [];
  for (let index = start; index < end; index++) {
    const message = messages[index];
    if (!message) continue;
    const previous = messages[index - 1];
    const newDay = !previous || dayOf(previous) !== dayOf(message);
    rows.push({
      message,
      day: newDay ? dayLabel(message.sentAt, now) : undefined,
      groupStart: !sameGroup(previous, message),
      groupEnd: !sameGroup(message, messages[index + 1]),
    });
  }
  return rows;
}
