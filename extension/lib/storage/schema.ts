import type { DBSchema } from 'idb';
import type { Sealed } from '../vault/seal';
import type { VaultHeader } from '../vault/vault';

/** A message of the history: only opaque keys and the order are in the clear. */
export interface StoredMessage {
  /** HMAC of the contact's id under the vault's index key. */
  readonly conversation: string;
  /**
   * Its place in its conversation, in the order this engine learned of it: 0, 1, 2… A rank, not a time: the clear
   * index must not tell when each message came.
   */
  readonly seq: number;
  readonly sealed: Sealed;
}

/**
 * The engine's IndexedDB schema. Everything that holds content or keys is sealed under the vault's data key;
 * index keys are HMACs, never names, ids or words.
 */
export interface MessengerDB extends DBSchema {
  /** Versions 1–3 kept settings, identity keys and contact pins in the clear. Read once, sealed, then emptied. */
  settings: { key: string; value: unknown };
  identity: { key: string; value: unknown };
  contacts: { key: string; value: unknown };
  /** The vault header: KDF parameters, salt, and the wrapped data key. */
  vault: { key: 'header'; value: VaultHeader };
  /**
   * Sealed records by opaque key: settings, identity, prekeys, contacts, sessions, and which message took each
   * edit or delete (`change:` and an HMAC, see history-store's changeRecordKey).
   */
  records: { key: string; value: Sealed };
  /** The encrypted history, by HMAC of (contact, message id). */
  messages: { key: string; value: StoredMessage; indexes: { 'by-conversation': [string, number] } };
}

export const DB_NAME = 'messenger';
