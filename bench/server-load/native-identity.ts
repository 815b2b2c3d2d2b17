/**
 * Identities for the load bench, signed by node:crypto's Ed25519 (tens of µs a signature; tweetnacl's 7–9 ms would
 * make the clients, not the server, the bottleneck). The statements signed are shared/crypto/identity.ts's.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  decodeBytes,
  encodeBytes,
  exchangeKeyStatement,
  sessionStatement,
  userIdOf,
  type PublicIdentity,
} from '../../shared/crypto/identity';
import type { UserId } from '../../shared/ids';

export interface NativeIdentity {
  readonly userId: UserId;
  readonly identity: PublicIdentity;
  readonly signingKey: KeyObject;
}

const SPKI_PREFIX_LENGTH = 12; // bytes of an Ed25519 or X25519 key's SPKI DER before its 32 raw bytes

/**
 * A key pair and its raw public key, read from the SPKI DER. Not through KeyObject.export({ format: 'jwk' }): on
 * Node 20 the JWK export holds the key's mutex while it allocates, and a collection that then finalises the key's
 * generation job takes the same mutex, so the process hangs (about one client process in ten did).
 */
function keyPair(kind: 'ed25519' | 'x25519'): { privateKey: KeyObject; publicKey: Uint8Array } {
  const { privateKey, publicKey } =
    kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('x25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: new Uint8Array(spki.subarray(SPKI_PREFIX_LENGTH)) };
}

/** A signing key, an exchange key it vouches for (as publicIdentity does), and the user id they make. */
export function createNativeIdentity(): NativeIdentity {
  const signing = keyPair('ed25519');
  const exchangeKey = keyPair('x25519').publicKey;
  return {
    userId: userIdOf(signing.publicKey),
    identity: {
      signingKey: encodeBytes(signing.publicKey),
      exchangeKey: encodeBytes(exchangeKey),
      exchangeKeySignature: encodeBytes(sign(null, exchangeKeyStatement(exchangeKey), signing.privateKey)),
    },
    signingKey: signing.privateKey,
  };
}

/** The signature `session:start` carries: over sessionStatement, for this origin, challenge and name. */
export function signSession(
  { userId, signingKey }: NativeIdentity,
  claim: { readonly origin: string; readonly challenge: string; readonly name: string },
): string {
  const statement = sessionStatement({ ...claim, challenge: decodeBytes(claim.challenge), userId });
  return encodeBytes(sign(null, statement, signingKey));
}
