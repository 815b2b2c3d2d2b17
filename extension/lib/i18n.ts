/**
 * The extension's own strings, from _locales (English and German; the browser picks by its UI language, English
 * otherwise). Where the browser gives none (Chrome's offscreen document has only the runtime API; see also
 * english.ts), the English table words them once a context has loaded it: the background and the offscreen document
 * at once, a page only when it needs it (loadEnglishIfNeeded), so the popup's first script does not carry it.
 */
import { browser } from 'wxt/browser';
import type englishTable from '../public/_locales/en/messages.json';

export type MessageKey = keyof typeof englishTable;
/** Words a message's placeholders take, in order ($1, $2). */
export type Translate = (key: MessageKey, substitutions?: readonly string[]) => string;

let fallback: Translate | undefined;
/** Each key without substitutions, as worded the first time: a render asks for every label again. */
const worded = new Map<MessageKey, string>();

/** The string the browser gives for `key`, or '' (no i18n here, or none given). */
function browserMessage(key: MessageKey, substitutions?: readonly string[]): string {
  // WXT types getMessage by the keys its last build saw; MessageKey is checked against the files themselves.
  // Optional: Chrome's offscreen document has no i18n, and unit tests fake only the parts of `browser` they use.
  const i18n = (browser as unknown as Partial<typeof browser> | undefined)?.i18n as
    { getMessage?(name: string, substitutions?: string[]): string } | undefined;
  return i18n?.getMessage?.(key, substitutions ? [...substitutions] : undefined) ?? '';
}

/** Words every string the browser gives none for (english.ts, as it loads, installs the English table). */
export function setFallback(words: Translate): void {
  fallback = words;
}

/** The string for `key` in the browser's language; English if the browser gives none. */
export const t: Translate = (key, substitutions) => {
  const plain = substitutions === undefined || substitutions.length === 0;
  if (plain) {
    const known = worded.get(key);
    if (known !== undefined) return known;
  }
  const text = browserMessage(key, substitutions) || fallback?.(key, substitutions) || '';
  // Only a real answer is kept: the fallback may arrive later.
  if (plain && text) worded.set(key, text);
  return text;
};

/** One of two keys by a count, the count as the first substitution: "1 message", "3 messages". */
export const tCount = (
  one: MessageKey,
  other: MessageKey,
  count: number,
  rest: readonly string[] = [],
): string => t(count === 1 ? one : other, [String(count), ...rest]);

/**
 * Before a page renders: the English table (its own chunk) only if the browser gives no strings. Chromium started
 * with --load-extension sometimes answers every getMessage with '' for the whole life of the extension (seen in 3
 * of 4 headless starts here), and a blank label helps nobody. Never rejects: a page without the table still renders.
 */
export async function loadEnglishIfNeeded(): Promise<void> {
  if (fallback || browserMessage('extName')) return;
  try {
    await import('./english');
  } catch (error) {
    console.warn('i18n: the English table did not load', error);
  }
}
