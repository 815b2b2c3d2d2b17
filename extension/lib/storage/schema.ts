import type { DBSchema } from 'idb';
import type { Settings } from '../settings';

/** The engine's IndexedDB schema. Content-bearing stores arrive encrypted with the history work. */
export interface MessengerDB extends DBSchema {
  settings: {
    key: 'settings';
    value: Settings;
  };
}

export const DB_NAME = 'messenger';
