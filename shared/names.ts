import * as v from 'valibot';
import { MAX_NAME_LENGTH } from './limits';
import { isHighlyRestrictive } from './scripts';

// Control and format characters (bidi overrides, zero-width joiners), default-ignorable ones (Hangul fillers,
// variation selectors, the combining grapheme joiner) and symbols drawn blank would let one name impersonate another
// on screen: "alice" with an invisible character added looks like "alice".
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029\u2800\u{1D159}]/u;
// "ann  lee" looks like "ann lee": typed runs of white space become one space, and a signed name has none.
const WHITE_SPACE_RUN = /\s{2,}/u;

/**
 * A check that only runs on a name within MAX_NAME_LENGTH: valibot runs every step of a pipe even after
 * maxLength failed, and the script check would otherwise scan a 256 KiB string sent as a name (seconds of CPU).
 */
const withinLength =
  (check: (name: string) => boolean) =>
  (name: string): boolean =>
    name.length > MAX_NAME_LENGTH || check(name);

/**
 * A display name as the user typed it: trimmed, runs of white space made one space, 1 to MAX_NAME_LENGTH
 * characters, no control or invisible characters, one script.
 */
export const DisplayNameSchema = v.pipe(
  v.string(),
  v.trim(),
  v.transform((name) => name.replace(/\s{2,}/gu, ' ')),
  v.minLength(1, 'must not be empty'),
  v.maxLength(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`),
  v.check(
    withinLength((name) => !FORBIDDEN_IN_NAME.test(name)),
    'must not contain control or invisible characters',
  ),
  // "аlice" with a Cyrillic а looks like "alice": one script per name (digits, punctuation and emoji go with any).
  v.check(
    withinLength(isHighlyRestrictive),
    'must be written in one script (Latin may go with Chinese, Japanese or Korean): do not mix alphabets such as Latin and Cyrillic',
  ),
);

/** The form two names are compared in, so "Alice" and "alice" cannot both be online. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLocaleLowerCase('en-US');
}

/**
 * A display name on the wire: already canonical (trimmed, single spaces), because it is signed: a server that trimmed it
 * would be checking a signature over text other than what was signed.
 */
export const WireNameSchema = v.pipe(
  v.string(),
  v.check((name) => name === name.trim(), 'must not start or end with spaces'),
  v.check((name) => !WHITE_SPACE_RUN.test(name), 'must not contain two spaces in a row: use one'),
  DisplayNameSchema,
);
