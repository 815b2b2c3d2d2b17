/**
 * The extension's own strings, from _locales (English and German; the browser picks by its UI language, English
 * otherwise). Not available in Chrome's offscreen document (it has only the runtime API): notices are worded where
 * they are shown.
 */
import { browser } from 'wxt/browser';
import type english from '../public/_locales/en/messages.json';

export type MessageKey = keyof typeof english;
/** Words a message's placeholders take, in order ($1, $2). */
export type Translate = (key: MessageKey, substitutions?: readonly string[]) => string;

/** The string for `key` in the browser's language; the key itself if the locale files lack it (never blank). */
export const t: Translate = (key, substitutions) => {
  // WXT types getMessage by the keys its last build saw; MessageKey is checked against the files themselves.
  const i18n = browser.i18n as unknown as { getMessage(name: string, substitutions?: string[]): string };
  return i18n.getMessage(key, substitutions ? [...substitutions] : undefined) || key;
};
