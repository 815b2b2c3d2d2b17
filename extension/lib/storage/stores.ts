/**
 * What the engine keeps through storage, and the stores' contracts: defined here, beside their implementations,
 * so that storage never imports from the engine above it.
 */
import type { UserId } from '../../../shared/ids';
import type { PrekeyHeader } from '../../../shared/protocol/envelope';
import type { OwnPrekeys } from '../crypto/prekeys';
import type { RatchetState } from '../crypto/ratchet';
import type { ContactRecord, PinnedContact } from '../model';
import type { Durability } from './writes';

export interface ContactStore {
  all(): Promise<PinnedContact[]>;
  pin(contact: PinnedContact): Promise<void>;
}

/** The contacts this profile chose, requests either way, and whom it blocked: by user id. */
export interface ContactBookStore {
  all(): Promise<ContactRecord[]>;
  put(contact: ContactRecord): Promise<void>;
  delete(userId: UserId): Promise<void>;
}

export interface PeerSession {
  /** The initiator's ephemeral key, base64url: both sides name the session by it. */
  readonly id: string;
  readonly ratchet: RatchetState;
  readonly associatedData: Uint8Array;
  /** The X3DH header, sent with each message until the other side has answered on this session. */
  readonly prekey?: PrekeyHeader;
}

/** A contact's sessions, the one to send on first. */
export type PeerSessions = readonly PeerSession[];

export interface SessionStore {
  load(peerId: UserId): Promise<PeerSessions>;
  /** Takes effect for the next load at once; resolves once it is on disk (see Durability). */
  save(peerId: UserId, sessions: PeerSessions, durability?: Durability): Promise<void>;
  loadPrekeys(): Promise<OwnPrekeys>;
  savePrekeys(prekeys: OwnPrekeys): Promise<void>;
}
