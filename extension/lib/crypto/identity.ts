import nacl from 'tweetnacl';
import * as v from 'valibot';
import {
  encodeBytes,
  exchangeKeyStatement,
  sessionStatement,
  userIdOf,
  type PublicIdentity,
  type SessionClaim,
} from '../../../shared/crypto/identity';
import type { UserId } from '../../../shared/ids';

/** This user's identity key pairs, as the engine keeps them. Never leaves the engine. */
export interface IdentityKeys {
  readonly signing: { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array };
  readonly exchange: { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array };
}

const bytesOf = (length: number) =>
  v.pipe(
    v.instance(Uint8Array),
    v.check((bytes) => bytes.length === length, `must be ${length} bytes`),
  );

/** Validates identity keys read back from storage or a backup file. */
export const IdentityKeysSchema = v.object({
  signing: v.object({
    publicKey: bytesOf(nacl.sign.publicKeyLength),
    secretKey: bytesOf(nacl.sign.secretKeyLength),
  }),
  exchange: v.object({
    publicKey: bytesOf(nacl.box.publicKeyLength),
    secretKey: bytesOf(nacl.box.secretKeyLength),
  }),
});

export function createIdentityKeys(): IdentityKeys {
  return { signing: nacl.sign.keyPair(), exchange: nacl.box.keyPair() };
}

export function userIdOfKeys(keys: IdentityKeys): UserId {
  return userIdOf(keys.signing.publicKey);
}

// Ed25519 signatures are deterministic: sign once per set of keys (tweetnacl takes milliseconds to sign).
const publicIdentities = new WeakMap<IdentityKeys, PublicIdentity>();

export function publicIdentity(keys: IdentityKeys): PublicIdentity {
  let identity = publicIdentities.get(keys);
  if (!identity) {
    identity = {
      signingKey: encodeBytes(keys.signing.publicKey),
      exchangeKey: encodeBytes(keys.exchange.publicKey),
      exchangeKeySignature: encodeBytes(
        nacl.sign.detached(exchangeKeyStatement(keys.exchange.publicKey), keys.signing.secretKey),
      ),
    };
    publicIdentities.set(keys, identity);
  }
  return identity;
}

/** The signature that answers a session challenge of the server at `origin`, for `name` (see sessionStatement). */
export function signSessionChallenge(keys: IdentityKeys, claim: Omit<SessionClaim, 'userId'>): string {
  return encodeBytes(
    nacl.sign.detached(sessionStatement({ ...claim, userId: userIdOfKeys(keys) }), keys.signing.secretKey),
  );
}
