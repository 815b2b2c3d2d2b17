import type { DBSchema } from 'idb';
import type { IdentityKeys } from '../crypto/identity';
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
}

export const DB_NAME = 'messenger';
