import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { createIdentityKeys, userIdOfKeys } from '../../../extension/lib/crypto/identity';
import { openMessengerDB } from '../../../extension/lib/storage/db';
import { migrations } from '../../../extension/lib/storage/migrations';
import { testVaultStorage } from '../../support/vault';

const settings = { name: 'Alice', serverUrl: 'https://signal.example.org', autoLockMinutes: 0 };

describe('IndexedDB migrations', () => {
  it('001 creates the settings store', async () => {
    const db = await openMessengerDB(`test-${randomId()}`, migrations.slice(0, 1));
    expect(db.version).toBe(1);
    expect([...db.objectStoreNames]).toEqual(['settings']);
    db.close();
  });

  it('002 adds the identity store, 003 the contact store, each keeping what was there', async () => {
    const name = `test-${randomId()}`;
    const v1 = await openMessengerDB(name, migrations.slice(0, 1));
    await v1.put('settings', { name: 'Alice', serverUrl: 'http://localhost:3000' }, 'settings');
    v1.close();
    const v2 = await openMessengerDB(name, migrations.slice(0, 2));
    expect([...v2.objectStoreNames].sort()).toEqual(['identity', 'settings']);
    expect(await v2.get('settings', 'settings')).toMatchObject({ name: 'Alice' });
    v2.close();
    const v3 = await openMessengerDB(name, migrations.slice(0, 3));
    expect([...v3.objectStoreNames].sort()).toEqual(['contacts', 'identity', 'settings']);
    expect(await v3.get('settings', 'settings')).toMatchObject({ name: 'Alice' });
    v3.close();
  });

  it('004 adds the vault, sealed records and the message store with an index on opaque keys', async () => {
    const db = await openMessengerDB(`test-${randomId()}`, migrations.slice(0, 4));
    expect(db.version).toBe(4);
    expect([...db.objectStoreNames].sort()).toEqual([
      'contacts',
      'identity',
      'messages',
      'records',
      'settings',
      'vault',
    ]);
    expect([...db.transaction('messages').store.indexNames]).toEqual(['by-conversation']);
    db.close();
  });
});

describe('the vault', () => {
  it('is new until a passphrase is set, then locked; the identity survives unlocking again', async () => {
    const storage = testVaultStorage();
    expect(await storage.status()).toBe('new');
    const created = await storage.create('correct horse');
    expect(await storage.status()).toBe('locked');
    const again = await storage.unlock('correct horse');
    expect(userIdOfKeys(again.identity)).toBe(userIdOfKeys(created.identity));
    expect(again.identity.signing.secretKey).toEqual(created.identity.signing.secretKey);
  });

  it('refuses a wrong passphrase with a clear error', async () => {
    const storage = testVaultStorage();
    await storage.create('correct horse');
    await expect(storage.unlock('wrong horse')).rejects.toMatchObject({
      code: 'wrong-passphrase',
      message: 'Wrong passphrase',
    });
    await expect(storage.create('another one')).rejects.toThrow('already set');
  });

  it('seals what version 3 kept in the clear, then erases the plaintext', async () => {
    const name = `test-${randomId()}`;
    const keys = createIdentityKeys();
    const bob = { name: 'Bob', userId: randomId(), signingKey: 'bob-key' };
    const v3 = await openMessengerDB(name, migrations.slice(0, 3));
    await v3.put('identity', keys, 'keys');
    await v3.put('settings', settings, 'settings');
    await v3.put('contacts', bob, 'bob');
    v3.close();

    const vault = await testVaultStorage(name).create('correct horse');
    expect(userIdOfKeys(vault.identity)).toBe(userIdOfKeys(keys));
    expect(await vault.settings.load()).toEqual(settings);
    expect(await vault.contacts.all()).toEqual([bob]);
    const db = await openMessengerDB(name);
    for (const store of ['identity', 'settings', 'contacts'] as const) expect(await db.count(store)).toBe(0);
    db.close();
  });

  it('stores settings, contacts and messages sealed, under keys that say nothing of their content', async () => {
    const storage = testVaultStorage();
    const vault = await storage.create('correct horse');
    const peerId = randomId();
    await vault.settings.save(settings);
    await vault.contacts.pin({ name: 'Bob', userId: peerId, signingKey: 'bob-key' });
    await vault.history.put({
      id: randomId(),
      peerId,
      direction: 'in',
      text: 'meet at noon',
      sentAt: 1,
      status: 'sent',
    });
    const db = await openMessengerDB(storage.dbName);
    const keys = [...(await db.getAllKeys('records')), ...(await db.getAllKeys('messages'))].join(' ');
    expect(keys).not.toMatch(/bob|alice|noon/i);
    expect(keys).not.toContain(peerId);
    const [message] = await db.getAll('messages');
    expect(message?.conversation).not.toContain(peerId);
    expect(Object.keys(message ?? {}).sort()).toEqual(['conversation', 'sealed', 'seq']);
    db.close();
  });

  it('refuses a sealed record moved to another key instead of believing it', async () => {
    const storage = testVaultStorage();
    const vault = await storage.create('correct horse');
    await vault.settings.save(settings);
    const db = await openMessengerDB(storage.dbName);
    const identity = await db.get('records', 'identity');
    if (!identity) throw new Error('no identity record');
    await db.put('records', identity, 'settings'); // a swap by someone with the disk but not the key
    db.close();
    await expect((await storage.unlock('correct horse')).settings.load()).rejects.toThrow(
      'belongs elsewhere',
    );
  });
});
