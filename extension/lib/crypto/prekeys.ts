/** This user's own prekeys (X3DH): the secrets stay here; the public halves go to the server. */
import nacl from 'tweetnacl';
import { encodeBytes, signedPrekeyStatement } from '../../../shared/crypto/identity';
import { MAX_ONE_TIME_PREKEYS, SIGNED_PREKEY_ROTATION_MS } from '../../../shared/limits';
import type { OneTimePrekey, SignedPrekey } from '../../../shared/protocol/prekeys';
import type { KeyPair } from './dh';
import type { IdentityKeys } from './identity';

/** Signed prekeys kept after rotation, so that messages started on the previous one still open. */
const SIGNED_PREKEYS_KEPT = 2;
/** One-time prekey secrets kept at most (the server may have lost some it holds): oldest go first. */
const ONE_TIME_PREKEYS_KEPT = 3 * MAX_ONE_TIME_PREKEYS;

export interface OwnSignedPrekey {
  readonly id: number;
  readonly keyPair: KeyPair;
  readonly signature: string;
  readonly createdAt: number;
}

export interface OwnPrekeys {
  readonly nextId: number;
  /** Newest first. */
  readonly signed: readonly OwnSignedPrekey[];
  /** Oldest first. */
  readonly oneTime: readonly { readonly id: number; readonly keyPair: KeyPair }[];
}

export const NO_PREKEYS: OwnPrekeys = { nextId: 1, signed: [], oneTime: [] };

/** A new signed prekey when there is none or the newest is older than the rotation period. */
export function rotateSignedPrekey(state: OwnPrekeys, keys: IdentityKeys, now: number): OwnPrekeys {
  const newest = state.signed[0];
  if (newest && now - newest.createdAt < SIGNED_PREKEY_ROTATION_MS) return state;
  const keyPair = nacl.box.keyPair();
  const signature = encodeBytes(
    nacl.sign.detached(signedPrekeyStatement(keyPair.publicKey), keys.signing.secretKey),
  );
  const prekey: OwnSignedPrekey = { id: state.nextId, keyPair, signature, createdAt: now };
  return {
    ...state,
    nextId: state.nextId + 1,
    signed: [prekey, ...state.signed].slice(0, SIGNED_PREKEYS_KEPT),
  };
}

export function addOneTimePrekeys(state: OwnPrekeys, count: number): OwnPrekeys {
  const added = Array.from({ length: count }, (_, index) => ({
    id: state.nextId + index,
    keyPair: nacl.box.keyPair(),
  }));
  return {
    ...state,
    nextId: state.nextId + count,
    oneTime: [...state.oneTime, ...added].slice(-ONE_TIME_PREKEYS_KEPT),
  };
}

export function publicSignedPrekey(state: OwnPrekeys): SignedPrekey | undefined {
  const newest = state.signed[0];
  return newest && { id: newest.id, key: encodeBytes(newest.keyPair.publicKey), signature: newest.signature };
}

export const publicOneTimePrekeys = (state: OwnPrekeys, since: number): OneTimePrekey[] =>
  state.oneTime
    .filter((prekey) => prekey.id >= since)
    .map((prekey) => ({ id: prekey.id, key: encodeBytes(prekey.keyPair.publicKey) }));
