/**
 * X3DH (the Signal key agreement) over our identity keys: the initiator combines its identity exchange key and a
 * fresh ephemeral key with the responder's identity exchange key, signed prekey and (while they last) one-time
 * prekey. The responder can be offline: everything it needs is in the prekey header.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '../../../shared/crypto/bytes';
import {
  decodeBytes,
  encodeBytes,
  signedPrekeyStatement,
  userIdOf,
  verifyPublicIdentity,
  verifySignature,
  type PublicIdentity,
} from '../../../shared/crypto/identity';
import type { PrekeyHeader } from '../../../shared/protocol/envelope';
import type { PrekeyBundle } from '../../../shared/protocol/prekeys';
import { diffieHellman, generateKeyPair, KeyAgreementError, type KeyPair } from './dh';
import { publicIdentity, type IdentityKeys } from './identity';

const INFO = new TextEncoder().encode('toolbar-messenger x3dh v1');
const AD_CONTEXT = new TextEncoder().encode('toolbar-messenger ad v1');
/** X3DH's F: 32 0xFF bytes before the DH outputs, so the input never looks like a plain X25519 output. */
const F = new Uint8Array(32).fill(0xff);

function secretOf(dhOutputs: readonly Uint8Array[]): Uint8Array {
  return hkdf(sha256, concatBytes(F, ...dhOutputs), new Uint8Array(32), INFO, 32);
}

/** The ratchet's associated data: both identities, the initiator's first. */
export function sessionAssociatedData(initiator: PublicIdentity, responder: PublicIdentity): Uint8Array {
  return concatBytes(AD_CONTEXT, decodeBytes(initiator.signingKey), decodeBytes(responder.signingKey));
}

export interface Initiated {
  readonly sharedSecret: Uint8Array;
  readonly header: PrekeyHeader;
  /** The responder's signed prekey: the initiator's first ratchet step uses it. */
  readonly remoteRatchetKey: Uint8Array;
  readonly associatedData: Uint8Array;
}

/** Checks a bundle from the server (it must be `peerId`'s own, signed by their identity key) and runs X3DH. */
export async function initiateX3dh(
  self: IdentityKeys,
  bundle: PrekeyBundle,
  peerId: string,
): Promise<Initiated> {
  const { identity, signedPrekey, oneTimePrekey } = bundle;
  if (userIdOf(decodeBytes(identity.signingKey)) !== peerId || bundle.userId !== peerId)
    throw new KeyAgreementError('the prekey bundle belongs to another user');
  if (!verifyPublicIdentity(identity))
    throw new KeyAgreementError("the bundle's exchange key is not signed by its identity key");
  const spk = decodeBytes(signedPrekey.key);
  if (!verifySignature(signedPrekeyStatement(spk), signedPrekey.signature, identity.signingKey))
    throw new KeyAgreementError('the signed prekey is not signed by the identity key');

  const ephemeral = await generateKeyPair();
  const remoteIdentity = decodeBytes(identity.exchangeKey);
  const dhs = await Promise.all([
    diffieHellman(self.exchange, spk),
    diffieHellman(ephemeral, remoteIdentity),
    diffieHellman(ephemeral, spk),
    ...(oneTimePrekey ? [diffieHellman(ephemeral, decodeBytes(oneTimePrekey.key))] : []),
  ]);
  const own = publicIdentity(self);
  return {
    sharedSecret: secretOf(dhs),
    header: {
      identity: own,
      ephemeral: encodeBytes(ephemeral.publicKey),
      signedPrekeyId: signedPrekey.id,
      ...(oneTimePrekey ? { oneTimePrekeyId: oneTimePrekey.id } : {}),
    },
    remoteRatchetKey: spk,
    associatedData: sessionAssociatedData(own, identity),
  };
}

/** The responder's side: the same secret from its prekey secrets and the initiator's header. */
export async function respondX3dh(
  self: IdentityKeys,
  header: PrekeyHeader,
  signedPrekey: KeyPair,
  oneTimePrekey: KeyPair | undefined,
): Promise<{ sharedSecret: Uint8Array; associatedData: Uint8Array }> {
  if (!verifyPublicIdentity(header.identity))
    throw new KeyAgreementError("the sender's exchange key is not signed by its identity key");
  const ephemeral = decodeBytes(header.ephemeral);
  const dhs = await Promise.all([
    diffieHellman(signedPrekey, decodeBytes(header.identity.exchangeKey)),
    diffieHellman(self.exchange, ephemeral),
    diffieHellman(signedPrekey, ephemeral),
    ...(oneTimePrekey ? [diffieHellman(oneTimePrekey, ephemeral)] : []),
  ]);
  return {
    sharedSecret: secretOf(dhs),
    associatedData: sessionAssociatedData(header.identity, publicIdentity(self)),
  };
}
