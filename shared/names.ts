import * as v from 'valibot';
import { MAX_NAME_LENGTH } from './limits';
import { isHighlyRestrictive } from './scripts';

// Control and format characters (bidi overrides, zero-width joiners) would let one name impersonate another on screen.
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/**
 * A display name as the user typed it: trimmed, 1 to MAX_NAME_LENGTH characters, no control characters, one script.
 */
export const DisplayNameSchema = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`),
  v.check((name) => !FORBIDDEN_IN_NAME.test(name), 'must not contain control or invisible characters'),
  // "аlice" with a Cyrillic а looks like "alice": one script per name (digits, punctuation and emoji go with any).
  v.check(
    isHighlyRestrictive,
    'must be written in one script (Latin may go with Chinese, Japanese or Korean): do not mix alphabets such as Latin and Cyrillic',
  ),
);

/** The form two names are compared in, so "Alice" and "alice" cannot both be online. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLocaleLowerCase('en-US');
}

/**
 * A display name on the wire: already canonical (trimmed), because it is signed: a server that trimmed it
 * would be checking a signature over text other than what was signed.
 */
export const WireNameSchema = v.pipe(
  v.string(),
  v.check((name) => name === name.trim(), 'must not start or end with spaces'),
  DisplayNameSchema,
);
