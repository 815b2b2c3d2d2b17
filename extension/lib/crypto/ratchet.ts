/**
 * The Double Ratchet (Signal specification), as pure functions over a state that IndexedDB can store.
 * Each call returns a new state and leaves its input untouched, so a forged or corrupt message can never
 * damage a session: on failure the caller simply keeps the state it had.
 *
 * Primitives: X25519 (native WebCrypto where the browser has it, see dh.ts), XSalsa20-Poly1305 (secretbox) from
 * tweetnacl, HKDF-SHA-256 and HMAC-SHA-256 from @noble/hashes. Only the steps that need X25519 are async.
 * Secretbox has no associated data, so each message's box key is HMAC(key, AD || header):
 * a changed header or context gives another key and the box fails to open.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import nacl from 'tweetnacl';
import { concatBytes } from '../../../shared/crypto/bytes';
import { decodeBytes, encodeBytes } from '../../../shared/crypto/identity';
import { diffieHellman, generateKeyPair, KeyAgreementError, type KeyPair } from './dh';
import { MAX_SKIPPED_MESSAGE_KEYS } from '../../../shared/limits';
import { ENVELOPE_VERSION, type Envelope, type RatchetHeader } from '../../../shared/protocol/envelope';

const KEY_LENGTH = 32; // bytes: root, chain and message keys
const NONCE_LENGTH = nacl.secretbox.nonceLength; // 24 bytes
const ROOT_INFO = new TextEncoder().encode('toolbar-messenger ratchet root v1');
const MESSAGE_INFO = new TextEncoder().encode('toolbar-messenger ratchet message v1');

export type { KeyPair };

export interface RatchetState {
  readonly self: KeyPair;
  readonly remote: Uint8Array | null;
  readonly rootKey: Uint8Array;
  readonly sendChain: Uint8Array | null;
  readonly receiveChain: Uint8Array | null;
  readonly sent: number;
  readonly received: number;
  readonly previousSent: number;
  /** Message keys of messages not yet arrived, by `<ratchet key>:<number>`, oldest first. */
  readonly skipped: ReadonlyMap<string, Uint8Array>;
}

/** Why a message could not be opened; the session state is unchanged. */
export class RatchetError extends Error {
  override readonly name = 'RatchetError';
}

/** KDF_RK: a DH output and the root key give the next root key and a chain key. */
export function kdfRoot(rootKey: Uint8Array, dhOutput: Uint8Array): [Uint8Array, Uint8Array] {
  const out = hkdf(sha256, dhOutput, rootKey, ROOT_INFO, 2 * KEY_LENGTH);
  return [out.slice(0, KEY_LENGTH), out.slice(KEY_LENGTH)];
}

/** KDF_CK: a chain key gives the next chain key and a message key. */
export function kdfChain(chainKey: Uint8Array): [Uint8Array, Uint8Array] {
  return [hmac(sha256, chainKey, Uint8Array.of(2)), hmac(sha256, chainKey, Uint8Array.of(1))];
}

/** The initiator knows the responder's ratchet public key and a shared secret (from the key agreement). */
export async function initiateRatchet(
  sharedSecret: Uint8Array,
  remoteRatchetKey: Uint8Array,
): Promise<RatchetState> {
  const self = await generateKeyPair();
  const [rootKey, sendChain] = kdfRoot(sharedSecret, await dh(self, remoteRatchetKey));
  return {
    self,
    remote: remoteRatchetKey,
    rootKey,
    sendChain,
    receiveChain: null,
    sent: 0,
    received: 0,
    previousSent: 0,
    skipped: new Map(),
  };
}

/** The responder starts from its ratchet key pair; it can send once the first message has arrived. */
export function respondRatchet(sharedSecret: Uint8Array, ownRatchetKey: KeyPair): RatchetState {
  return {
    self: ownRatchetKey,
    remote: null,
    rootKey: sharedSecret,
    sendChain: null,
    receiveChain: null,
    sent: 0,
    received: 0,
    previousSent: 0,
    skipped: new Map(),
  };
}

export function ratchetEncrypt(
  state: RatchetState,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): { state: RatchetState; envelope: Envelope } {
  if (!state.sendChain)
    throw new RatchetError('ratchetEncrypt: this side cannot send before it has received a message');
  const header: RatchetHeader = {
    dh: encodeBytes(state.self.publicKey),
    pn: state.previousSent,
    n: state.sent,
  };
  const [sendChain, messageKey] = kdfChain(state.sendChain);
  const ciphertext = seal(messageKey, plaintext, associatedData, header);
  return {
    state: { ...state, sendChain, sent: state.sent + 1 },
    envelope: { v: ENVELOPE_VERSION, header, ciphertext: encodeBytes(ciphertext) },
  };
}

export async function ratchetDecrypt(
  state: RatchetState,
  envelope: Envelope,
  associatedData: Uint8Array,
): Promise<{ state: RatchetState; plaintext: Uint8Array }> {
  const { header } = envelope;
  const ciphertext = decodeBytes(envelope.ciphertext);
  const skipped = new Map(state.skipped);
  const skippedKey = skipped.get(slot(header.dh, header.n));
  if (skippedKey) {
    skipped.delete(slot(header.dh, header.n));
    return { state: { ...state, skipped }, plaintext: open(skippedKey, ciphertext, associatedData, header) };
  }

  let next: RatchetState = { ...state, skipped };
  const remote = decodeBytes(header.dh);
  if (!next.remote || !nacl.verify(remote, next.remote)) {
    next = skipMessageKeys(next, header.pn);
    next = await dhRatchet(next, remote);
  }
  next = skipMessageKeys(next, header.n);
  if (!next.receiveChain) throw new RatchetError('ratchetDecrypt: no receiving chain');
  const [receiveChain, messageKey] = kdfChain(next.receiveChain);
  const plaintext = open(messageKey, ciphertext, associatedData, header);
  return { state: { ...next, receiveChain, received: next.received + 1 }, plaintext };
}

async function dhRatchet(state: RatchetState, remote: Uint8Array): Promise<RatchetState> {
  const [received, self] = await Promise.all([dh(state.self, remote), generateKeyPair()]);
  const [rootAfterReceive, receiveChain] = kdfRoot(state.rootKey, received);
  const [rootKey, sendChain] = kdfRoot(rootAfterReceive, await dh(self, remote));
  return {
    ...state,
    self,
    remote,
    rootKey,
    sendChain,
    receiveChain,
    previousSent: state.sent,
    sent: 0,
    received: 0,
  };
}

/** Stores the keys of messages `received` … `until - 1` of the current receiving chain, within the bound. */
function skipMessageKeys(state: RatchetState, until: number): RatchetState {
  if (!state.receiveChain || !state.remote || until <= state.received) return state;
  if (until - state.received > MAX_SKIPPED_MESSAGE_KEYS) {
    throw new RatchetError(`ratchetDecrypt: more than ${MAX_SKIPPED_MESSAGE_KEYS} messages would be skipped`);
  }
  const skipped = new Map(state.skipped);
  let chain = state.receiveChain;
  const remote = encodeBytes(state.remote);
  for (let n = state.received; n < until; n++) {
    const [nextChain, messageKey] = kdfChain(chain);
    skipped.set(slot(remote, n), messageKey);
    chain = nextChain;
  }
  // Keep only the newest keys: a flood of skipped messages cannot grow the state without bound.
  for (const oldest of skipped.keys()) {
    if (skipped.size <= MAX_SKIPPED_MESSAGE_KEYS) break;
    skipped.delete(oldest);
  }
  return { ...state, skipped, receiveChain: chain, received: until };
}

async function dh(self: KeyPair, remote: Uint8Array): Promise<Uint8Array> {
  try {
    return await diffieHellman(self, remote);
  } catch (error) {
    if (error instanceof KeyAgreementError)
      throw new RatchetError('ratchet: the remote ratchet key is invalid');
    throw error;
  }
}

const slot = (ratchetKey: string, n: number): string => `${ratchetKey}:${n}`;

function boxKeyAndNonce(
  messageKey: Uint8Array,
  associatedData: Uint8Array,
  header: RatchetHeader,
): [Uint8Array, Uint8Array] {
  const okm = hkdf(sha256, messageKey, new Uint8Array(KEY_LENGTH), MESSAGE_INFO, KEY_LENGTH + NONCE_LENGTH);
  const bound = concatBytes(associatedData, encodeHeader(header));
  return [hmac(sha256, okm.slice(0, KEY_LENGTH), bound), okm.slice(KEY_LENGTH)];
}

function seal(
  messageKey: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
  header: RatchetHeader,
): Uint8Array {
  const [key, nonce] = boxKeyAndNonce(messageKey, associatedData, header);
  return nacl.secretbox(plaintext, nonce, key);
}

function open(
  messageKey: Uint8Array,
  ciphertext: Uint8Array,
  associatedData: Uint8Array,
  header: RatchetHeader,
): Uint8Array {
  const [key, nonce] = boxKeyAndNonce(messageKey, associatedData, header);
  const plaintext = nacl.secretbox.open(ciphertext, nonce, key);
  if (!plaintext)
    throw new RatchetError(
      'ratchetDecrypt: the message was altered, is a duplicate, or is not for this session',
    );
  return plaintext;
}

/** The header as bytes for the associated data: ratchet key, then pn and n as 32-bit big-endian. */
function encodeHeader(header: RatchetHeader): Uint8Array {
  const counters = new Uint8Array(8);
  const view = new DataView(counters.buffer);
  view.setUint32(0, header.pn);
  view.setUint32(4, header.n);
  return concatBytes(decodeBytes(header.dh), counters);
}
