/**
 * Identity keys and the statements they sign. A user is a key pair: an Ed25519 signing key, plus an X25519
 * exchange key that the signing key vouches for. The user id is derived from the signing key, so a peer id
 * (which is the user id) can only be claimed by whoever holds that key.
 */
import { utf8 } from '@scure/base';
import nacl from 'tweetnacl';
import { concatBytes } from './bytes';
import * as v from 'valibot';
import type { UserId } from '../ids';
import { MAX_URL_LENGTH } from '../limits';

import {
  CHALLENGE_LENGTH,
  EXCHANGE_KEY_LENGTH,
  SIGNATURE_LENGTH,
  SIGNING_KEY_LENGTH,
  bytesSchema,
  decodeBytes,
  encodeBytes,
} from './key-encoding';

// Most modules read these with the identity; key-encoding.ts holds them for pages that need no signatures.
export {
  CHALLENGE_LENGTH,
  EXCHANGE_KEY_LENGTH,
  SIGNATURE_LENGTH,
  SIGNING_KEY_LENGTH,
  bytesSchema,
  decodeBytes,
  encodeBytes,
};

const USER_ID_BYTES = 16; // of SHA-512(signing key): 128 bits, as 32 hex digits

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
// v2: names the server's origin, and every variable-length field is length-prefixed.
const SESSION_CONTEXT = 'toolbar-messenger session v2\n';
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

/**
 * The server a sign-in is for, as `scheme://host[:port]` in lowercase with no default port: what
 * `new URL(url).origin` gives for an http(s) URL. Signed into the session statement, so a server cannot
 * pass a user's answer on to another.
 */
export const ServerOriginSchema = v.pipe(
  v.string(),
  v.maxLength(MAX_URL_LENGTH),
  v.regex(
    /^https?:\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$/,
    'must be an origin such as https://signal.example.org (scheme://host[:port], lowercase)',
  ),
);

/** A field of variable length: its length (4 bytes, big-endian) and then its UTF-8 bytes. */
function field(value: string): Uint8Array {
  const bytes = text(value);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, bytes.length);
  return concatBytes(length, bytes);
}

export interface SessionClaim {
  /** The origin of the server the client connected to (see ServerOriginSchema). */
  readonly origin: string;
  /** The server's fresh nonce for this connection (CHALLENGE_LENGTH bytes). */
  readonly challenge: Uint8Array;
  readonly userId: UserId;
  readonly name: string;
}

/** What a client signs to start a session: which server, its nonce, the client's user id and claimed name. */
export function sessionStatement({ origin, challenge, userId, name }: SessionClaim): Uint8Array {
  return concatBytes(text(SESSION_CONTEXT), field(origin), challenge, field(userId), field(name));
}

/**
 * Verifies an Ed25519 signature; false (never a throw) for a key or signature of the wrong length. Injected
 * so the server can use node:crypto (about 70 times faster than tweetnacl) while shared/ stays free of Node.
 */
export type VerifyEd25519 = (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => boolean;

export const verifyEd25519Tweetnacl: VerifyEd25519 = (message, signature, publicKey) =>
  signature.length === SIGNATURE_LENGTH &&
  publicKey.length === SIGNING_KEY_LENGTH &&
  nacl.sign.detached.verify(message, signature, publicKey);

// The encodings (sign bit ignored) of the points of order 1, 2, 4 and 8, canonical or not (as libsodium lists
// them). Under such a key, a signature with R of small order and S = 0 verifies for any message: anyone could
// sign as it.
const SMALL_ORDER_KEYS = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
];

/** Whether a 32-byte Ed25519 public key is a point of small order: no secret key stands behind it. */
export function hasSmallOrder(publicKey: Uint8Array): boolean {
  const hex = Array.from(publicKey, (byte, i) =>
    (i === SIGNING_KEY_LENGTH - 1 ? byte & 0x7f : byte).toString(16).padStart(2, '0'),
  ).join('');
  return SMALL_ORDER_KEYS.includes(hex);
}

/** Decodes and checks; false for anything malformed, a key of small order included (fails closed). */
function verifyEncoded(
  message: Uint8Array,
  signature: string,
  signingKey: string,
  verify: VerifyEd25519,
): boolean {
  let key: Uint8Array, sig: Uint8Array;
  try {
    key = decodeBytes(signingKey);
    sig = decodeBytes(signature);
  } catch {
    return false;
  }
  return key.length === SIGNING_KEY_LENGTH && !hasSmallOrder(key) && verify(message, sig, key);
}

/** Whether the identity's exchange key is vouched for by its signing key. */
export function verifyPublicIdentity(
  identity: PublicIdentity,
  verify: VerifyEd25519 = verifyEd25519Tweetnacl,
): boolean {
  let exchangeKey: Uint8Array;
  try {
    exchangeKey = decodeBytes(identity.exchangeKey);
  } catch {
    return false;
  }
  return verifyEncoded(
    exchangeKeyStatement(exchangeKey),
    identity.exchangeKeySignature,
    identity.signingKey,
    verify,
  );
}

/** Whether `signature` (base64url) is `signingKey`'s (base64url) over `message`. */
export function verifySignature(
  message: Uint8Array,
  signature: string,
  signingKey: string,
  verify: VerifyEd25519 = verifyEd25519Tweetnacl,
): boolean {
  return verifyEncoded(message, signature, signingKey, verify);
}
