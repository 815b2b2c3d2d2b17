/**
 * The extension's own strings, from _locales (English and German; the browser picks by its UI language, English
 * otherwise). Not available in Chrome's offscreen document (it has only the runtime API): notices are worded where
 * they are shown.
 */
import { browser } from 'wxt/browser';
import english from '../public/_locales/en/messages.json';

export type MessageKey = keyof typeof english;
/** Words a message's placeholders take, in order ($1, $2). */
export type Translate = (key: MessageKey, substitutions?: readonly string[]) => string;

interface LocaleMessage {
  readonly message: string;
  readonly placeholders?: Readonly<Record<string, { readonly content: string }>>;
}

/**
 * The English string, worded here as the browser would: Chromium started with --load-extension sometimes answers
 * every getMessage with '' for the whole life of the extension (seen in 3 of 4 headless starts here), and a blank
 * notification or label helps nobody.
 */
export function englishMessage(key: MessageKey, substitutions: readonly string[] = []): string {
  // Every entry has this shape: tests/unit/host/message-notices.test.ts (locales) checks both files.
  const { message, placeholders = {} } = english[key] as LocaleMessage;
  return Object.entries(placeholders).reduce(
    (text, [name, { content }]) =>
      // Replaced by functions: a name holding `$&` stays as it is.
      text.replaceAll(`$${name.toUpperCase()}$`, () =>
        content.replace(/\$(\d)/g, (_, index: string) => substitutions[Number(index) - 1] ?? ''),
      ),
    message,
  );
}

/** The string for `key` in the browser's language; English if the browser gives none. */
export const t: Translate = (key, substitutions) => {
  // WXT types getMessage by the keys its last build saw; MessageKey is checked against the files themselves.
  // Optional: Chrome's offscreen document has no i18n, and unit tests fake only the parts of `browser` they use.
  const i18n = (browser as unknown as Partial<typeof browser> | undefined)?.i18n as
    { getMessage?(name: string, substitutions?: string[]): string } | undefined;
  return (
    i18n?.getMessage?.(key, substitutions ? [...substitutions] : undefined) ||
    englishMessage(key, substitutions)
  );
};

/** One of two keys by a count, the count as the first substitution: "1 message", "3 messages". */
export const tCount = (
  one: MessageKey,
  other: MessageKey,
  count: number,
  rest: readonly string[] = [],
): string => t(count === 1 ? one : other, [String(count), ...rest]);
