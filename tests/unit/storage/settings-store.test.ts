import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { openMessengerDB } from '../../../extension/lib/storage/db';
import { migrations } from '../../../extension/lib/storage/migrations';
import { createSettingsStore } from '../../../extension/lib/storage/settings-store';

describe('IndexedDB storage', () => {
  it('migration 001 creates the settings store', async () => {
    const db = await openMessengerDB(`test-${randomId()}`, migrations.slice(0, 1));
    expect(db.version).toBe(1);
    expect([...db.objectStoreNames]).toEqual(['settings']);
    db.close();
  });

  it('saves and loads settings across openings', async () => {
    const name = `test-${randomId()}`;
    const settings = { name: 'Alice', serverUrl: 'https://signal.example.org', userId: randomId() };
    const first = openMessengerDB(name);
    await createSettingsStore(first).save(settings);
    (await first).close();
    expect(await createSettingsStore(openMessengerDB(name)).load()).toEqual(settings);
  });

  it('starts over, without throwing, when stored settings are invalid', async () => {
    const name = `test-${randomId()}`;
    const db = await openMessengerDB(name);
    // A corrupted or older record: the store must not hand it to the engine.
    await db.put('settings', { name: '', serverUrl: 'javascript:alert(1)', userId: 'x' }, 'settings');
    expect(await createSettingsStore(Promise.resolve(db)).load()).toBeUndefined();
  });
});
