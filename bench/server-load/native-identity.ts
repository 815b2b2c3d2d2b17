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

/** The raw 32-byte public key of an Ed25519 or X25519 key object. */
function rawPublicKey(key: KeyObject): Uint8Array {
  const { x } = key.export({ format: 'jwk' });
  if (x === undefined) throw new Error('rawPublicKey: the key has no public part');
  return decodeBytes(x);
}

/** A signing key, an exchange key it vouches for (as publicIdentity does), and the user id they make. */
export function createNativeIdentity(): NativeIdentity {
  const signing = generateKeyPairSync('ed25519');
  const exchangeKey = rawPublicKey(generateKeyPairSync('x25519').publicKey);
  const signingKey = rawPublicKey(signing.publicKey);
  return {
    userId: userIdOf(signingKey),
    identity: {
      signingKey: encodeBytes(signingKey),
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
