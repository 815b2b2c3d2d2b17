/**
 * The English table, worded here as the browser would. Importing this module makes it the fallback for every
 * string the browser gives none for (i18n.ts). Imported first, and statically, only where size does not matter:
 * the background, the offscreen document, the call window (a module there words a string as it loads), unit tests'
 * setup; the other pages load it on demand (loadEnglishIfNeeded), so the popup's first script does not carry it.
 */
import english from '../public/_locales/en/messages.json';
import { setFallback, type MessageKey } from './i18n';

interface LocaleMessage {
  readonly message: string;
  readonly placeholders?: Readonly<Record<string, { readonly content: string }>>;
}

/** The English string for `key`, placeholders filled in order, whatever language the browser speaks. */
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

setFallback(englishMessage);
