/**
 * Binds a call's media connection to both identities. A media connection has its own DTLS, which the data channel's
 * signed hello does not cover: a signaling server that rewrote the fingerprints in the call's SDP could sit in the
 * middle. So each side signs, with its identity key, the call id, both user ids and both DTLS fingerprints as its
 * own SDP shows them (its own first), and sends that sealed to the other side; each checks the other's against the
 * contact's pinned key and that the fingerprints cross: what they saw as theirs is what we saw as remote, and back.
 */
import nacl from 'tweetnacl';
import { encodeBytes, verifySignature } from '../../../../shared/crypto/identity';
import type { UserId, CallId } from '../../../../shared/ids';
import type { IdentityKeys } from '../../crypto/identity';

/** The fingerprints of one side's media connection: its own, and the other side's as its remote SDP states it. */
export interface CallFingerprints {
  readonly local: string;
  readonly remote: string;
}

export interface SignedBinding extends CallFingerprints {
  /** Ed25519 over callStatement, base64url. */
  readonly signature: string;
}

const CALL_CONTEXT = 'toolbar-messenger call v1\n';
const encoder = new TextEncoder();

/** What each side signs: domain-separated, every field length-prefixed (so no two field lists sign alike). */
export function callStatement(
  callId: CallId,
  signer: UserId,
  other: UserId,
  fingerprints: CallFingerprints,
): Uint8Array {
  const fields = [callId, signer, other, fingerprints.local, fingerprints.remote];
  return encoder.encode(CALL_CONTEXT + fields.map((field) => `${field.length}:${field}\n`).join(''));
}

export function signBinding(
  keys: IdentityKeys,
  selfId: UserId,
  peerId: UserId,
  callId: CallId,
  fingerprints: CallFingerprints,
): SignedBinding {
  const statement = callStatement(callId, selfId, peerId, fingerprints);
  return { ...fingerprints, signature: encodeBytes(nacl.sign.detached(statement, keys.signing.secretKey)) };
}

export type BindingCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Checks the other side's binding against ours: signed by the key pinned for `peerId`, over this call and these two
 * ids, and naming the same two fingerprints as ours, crossed.
 */
export function checkBinding(options: {
  readonly callId: CallId;
  readonly selfId: UserId;
  readonly peerId: UserId;
  /** The contact's pinned signing key, base64url. */
  readonly peerSigningKey: string;
  readonly own: CallFingerprints;
  readonly theirs: SignedBinding;
}): BindingCheck {
  const { callId, selfId, peerId, peerSigningKey, own, theirs } = options;
  const statement = callStatement(callId, peerId, selfId, theirs);
  if (!verifySignature(statement, theirs.signature, peerSigningKey))
    return { ok: false, reason: "the binding is not signed by the contact's key" };
  if (theirs.local !== own.remote || theirs.remote !== own.local)
    return {
      ok: false,
      reason: 'the fingerprints each side saw differ: the connection was altered on its way',
    };
  return { ok: true };
}
