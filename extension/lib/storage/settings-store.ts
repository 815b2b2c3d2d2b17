import type { IDBPDatabase } from 'idb';
import { parse } from '../../../shared/validate';
import { SettingsSchema, type Settings } from '../settings';
import type { MessengerDB } from './schema';

export interface SettingsStore {
  load(): Promise<Settings | undefined>;
  save(settings: Settings): Promise<void>;
}

/** Settings in IndexedDB; takes the database as a promise so callers need not wait for it to open. */
export function createSettingsStore(database: Promise<IDBPDatabase<MessengerDB>>): SettingsStore {
  return {
    async load() {
      const stored: unknown = await (await database).get('settings', 'settings');
      if (stored === undefined) return undefined;
      const parsed = parse(SettingsSchema, stored);
      if (!parsed.ok) {
        console.error(`SettingsStore.load: stored settings are invalid (${parsed.message}); starting over`);
        return undefined;
      }
      return parsed.value;
    },
    async save(settings) {
      await (await database).put('settings', settings, 'settings');
    },
  };
}
