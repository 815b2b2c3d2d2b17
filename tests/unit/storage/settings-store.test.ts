import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { openMessengerDB } from '../../../extension/lib/storage/db';
import { migrations } from '../../../extension/lib/storage/migrations';
import { createSettingsStore } from '../../../extension/lib/storage/settings-store';
import { createIdentityStore } from '../../../extension/lib/storage/identity-store';
import { createContactStore } from '../../../extension/lib/storage/contact-store';
import { userIdOfKeys } from '../../../extension/lib/crypto/identity';
import type { Settings } from '../../../extension/lib/settings';

describe('IndexedDB storage', () => {
  it('migration 001 creates the settings store', async () => {
    const db = await openMessengerDB(`test-${randomId()}`, migrations.slice(0, 1));
    expect(db.version).toBe(1);
    expect([...db.objectStoreNames]).toEqual(['settings']);
    db.close();
  });

  it('migration 002 adds the identity store and keeps version-1 settings, dropping their old random user id', async () => {
    const name = `test-${randomId()}`;
    const v1 = await openMessengerDB(name, migrations.slice(0, 1));
    // Version 1 stored a random user id with the settings (not part of the version 2 type, hence the cast).
    await v1.put(
      'settings',
      { name: 'Alice', serverUrl: 'http://localhost:3000', userId: randomId() } as Settings,
      'settings',
    );
    v1.close();
    const v2 = openMessengerDB(name, migrations.slice(0, 2));
    expect([...(await v2).objectStoreNames].sort()).toEqual(['identity', 'settings']);
    expect(await createSettingsStore(v2).load()).toEqual({
      name: 'Alice',
      serverUrl: 'http://localhost:3000',
    });
  });

  it('creates the identity keys once and returns the same ones afterwards', async () => {
    const name = `test-${randomId()}`;
    const first = await createIdentityStore(openMessengerDB(name)).loadOrCreate();
    const again = await createIdentityStore(openMessengerDB(name)).loadOrCreate();
    expect(userIdOfKeys(again)).toBe(userIdOfKeys(first));
    expect(again.signing.secretKey).toEqual(first.signing.secretKey);
  });

  it('saves and loads settings across openings', async () => {
    const name = `test-${randomId()}`;
    const settings = { name: 'Alice', serverUrl: 'https://signal.example.org' };
    const first = openMessengerDB(name);
    await createSettingsStore(first).save(settings);
    (await first).close();
    expect(await createSettingsStore(openMessengerDB(name)).load()).toEqual(settings);
  });

  it('starts over, without throwing, when stored settings are invalid', async () => {
    const name = `test-${randomId()}`;
    const db = await openMessengerDB(name);
    // A corrupted or older record: the store must not hand it to the engine.
    await db.put('settings', { name: '', serverUrl: 'javascript:alert(1)' }, 'settings');
    expect(await createSettingsStore(Promise.resolve(db)).load()).toBeUndefined();
  });

  it('migration 003 adds the contact store, where pins survive reopening', async () => {
    const name = `test-${randomId()}`;
    const contact = { name: 'Bob', userId: randomId(), signingKey: 'key' };
    await createContactStore(openMessengerDB(name)).pin(contact);
    const reopened = await openMessengerDB(name);
    expect(reopened.version).toBe(3);
    expect(await createContactStore(Promise.resolve(reopened)).all()).toEqual([contact]);
  });
});
