import type { DBSchema } from 'idb';
import type { IdentityKeys } from '../crypto/identity';
import type { PinnedContact } from '../engine/contacts';
import type { Settings } from '../settings';

/**
 * The engine's IndexedDB schema.
 * TODO(encrypted history): the identity's secret keys are stored as they are until the passphrase-derived
 * storage key lands; then this store holds only secretbox ciphertext.
 */
export interface MessengerDB extends DBSchema {
  settings: {
    key: 'settings';
    value: Settings;
  };
  identity: {
    key: 'keys';
    value: IdentityKeys;
  };
  /** Each contact's identity key as first seen, by nameKey(name): what a changed key is compared with. */
  contacts: {
    key: string;
    value: PinnedContact;
  };
}

export const DB_NAME = 'messenger';
