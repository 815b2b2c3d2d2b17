/**
 * Identity keys and the statements they sign. A user is a key pair: an Ed25519 signing key, plus an X25519
 * exchange key that the signing key vouches for. The user id is derived from the signing key, so a peer id
 * (which is the user id) can only be claimed by whoever holds that key.
 */
import { base64urlnopad, utf8 } from '@scure/base';
import nacl from 'tweetnacl';
import { concatBytes } from './bytes';
import * as v from 'valibot';
import type { UserId } from '../ids';

export const SIGNING_KEY_LENGTH = 32; // bytes, Ed25519 public key
export const EXCHANGE_KEY_LENGTH = 32; // bytes, X25519 public key
export const SIGNATURE_LENGTH = 64; // bytes, Ed25519
export const CHALLENGE_LENGTH = 32; // bytes, server nonce
const USER_ID_BYTES = 16; // of SHA-512(signing key): 128 bits, as 32 hex digits

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

/** What a user publishes: both public keys, and the signing key's signature over the exchange key. */
export const PublicIdentitySchema = v.strictObject({
  signingKey: bytesSchema(SIGNING_KEY_LENGTH),
  exchangeKey: bytesSchema(EXCHANGE_KEY_LENGTH),
  exchangeKeySignature: bytesSchema(SIGNATURE_LENGTH),
});
export type PublicIdentity = v.InferOutput<typeof PublicIdentitySchema>;

/** The user id of a signing key: the first 128 bits of its SHA-512, as lowercase hex. */
export function userIdOf(signingKey: Uint8Array): UserId {
  return Array.from(nacl.hash(signingKey).subarray(0, USER_ID_BYTES), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

/** Whether `userId` is the id of `signingKey` (base64url); false for a key that does not even decode. */
export function isUserIdOf(userId: string, signingKey: string): boolean {
  try {
    return userIdOf(decodeBytes(signingKey)) === userId;
  } catch {
    return false;
  }
}

const text = (value: string): Uint8Array => utf8.decode(value); // @scure/base: decode takes text to bytes

// Domain-separated statements: a signature made for one purpose can never be replayed as another.
const EXCHANGE_KEY_CONTEXT = 'toolbar-messenger exchange-key v1\n';
const SESSION_CONTEXT = 'toolbar-messenger session v1\n';
const SIGNED_PREKEY_CONTEXT = 'toolbar-messenger signed-prekey v1\n';

const CHANNEL_CONTEXT = 'toolbar-messenger channel v1\n';

/**
 * What each end of a data channel signs once it opens: who it is, who it meant to reach, and the DTLS
 * fingerprints of both ends as its own SDP shows them. A relay that swapped fingerprints cannot make these agree.
 */
export function channelStatement(
  from: UserId,
  to: UserId,
  fromFingerprint: string,
  toFingerprint: string,
): Uint8Array {
  return text(`${CHANNEL_CONTEXT}${from}\n${to}\n${fromFingerprint}\n${toFingerprint}`);
}

export function exchangeKeyStatement(exchangeKey: Uint8Array): Uint8Array {
  return concatBytes(text(EXCHANGE_KEY_CONTEXT), exchangeKey);
}

/** What the identity key signs to vouch for a signed prekey (X3DH). */
export function signedPrekeyStatement(prekey: Uint8Array): Uint8Array {
  return concatBytes(text(SIGNED_PREKEY_CONTEXT), prekey);
}

/** What a client signs to start a session: the server's fresh nonce, its own user id, and the name it claims. */
export function sessionStatement(challenge: Uint8Array, userId: UserId, name: string): Uint8Array {
  return concatBytes(text(SESSION_CONTEXT), challenge, text(`\n${userId}\n${name}`));
}

/** Whether the identity's exchange key is vouched for by its signing key. */
export function verifyPublicIdentity(identity: PublicIdentity): boolean {
  const signingKey = decodeBytes(identity.signingKey);
  return nacl.sign.detached.verify(
    exchangeKeyStatement(decodeBytes(identity.exchangeKey)),
    decodeBytes(identity.exchangeKeySignature),
    signingKey,
  );
}

export function verifySignature(message: Uint8Array, signature: string, signingKey: string): boolean {
  return nacl.sign.detached.verify(message, decodeBytes(signature), decodeBytes(signingKey));
}
