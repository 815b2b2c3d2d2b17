import { parse } from '../../../shared/validate';
import { SettingsSchema, type Settings } from '../settings';
import type { Records } from './records';

export interface SettingsStore {
  load(): Promise<Settings | undefined>;
  save(settings: Settings): Promise<void>;
}

export function createSettingsStore(records: Records): SettingsStore {
  return {
    async load() {
      const stored = await records.get('settings');
      if (stored === undefined) return undefined;
      const parsed = parse(SettingsSchema, stored);
      if (!parsed.ok) {
        console.error(`SettingsStore.load: stored settings are invalid (${parsed.message}); starting over`);
        return undefined;
      }
      return parsed.value;
    },
    save: (settings) => records.put('settings', settings),
  };
}
