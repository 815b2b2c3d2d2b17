/**
 * How keys and signatures are written in messages: base64url without padding, of a fixed length. Kept apart from
 * identity.ts so that pages which only check shapes (the popup's schemas) do not load the signature code.
 */
import { base64urlnopad } from '@scure/base';
import * as v from 'valibot';

export const SIGNING_KEY_LENGTH = 32; // bytes, Ed25519 public key
export const EXCHANGE_KEY_LENGTH = 32; // bytes, X25519 public key
export const SIGNATURE_LENGTH = 64; // bytes, Ed25519
export const CHALLENGE_LENGTH = 32; // bytes, server nonce

/** Base64url without padding, of exactly `length` bytes once decoded. */
export const bytesSchema = (length: number) =>
  v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding'),
    v.check((text) => decodedLength(text) === length, `must encode exactly ${length} bytes`),
  );

function decodedLength(text: string): number {
  try {
    return base64urlnopad.decode(text).length;
  } catch {
    return -1;
  }
}

export const encodeBytes = (bytes: Uint8Array): string => base64urlnopad.encode(bytes);
export const decodeBytes = (text: string): Uint8Array => base64urlnopad.decode(text);
