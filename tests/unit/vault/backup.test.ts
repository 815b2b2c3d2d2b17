import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { createIdentityKeys } from '../../../extension/lib/crypto/identity';
import type { VaultContent } from '../../../extension/lib/vault/backup';
import { decryptBackup, encryptBackup } from '../../../extension/lib/vault/backup';
import { contactRecord } from '../../support/contacts';
import { FAST_KDF, testVaultStorage } from '../../support/vault';

const content = (): VaultContent => ({
  identity: createIdentityKeys(),
  settings: { name: 'Alice', serverUrl: 'http://localhost:3000', autoLockMinutes: 5 },
  contacts: [{ name: 'Bob', userId: randomId(), signingKey: 'bob-key' }],
  messages: [
    { id: randomId(), peerId: randomId(), direction: 'in', text: 'the plan', sentAt: 1, status: 'sent' },
  ],
});

describe('backup file', () => {
  it('round-trips identity, settings, contacts and history, and holds none of them in the clear', async () => {
    const original = content();
    const file = await encryptBackup(original, 'backup passphrase', FAST_KDF);
    expect(file).not.toMatch(/Alice|Bob|the plan/);
    expect(await decryptBackup(file, 'backup passphrase')).toEqual(original);
  });

  it('says "wrong passphrase" for a wrong passphrase, and "not a backup" for other files', async () => {
    const file = await encryptBackup(content(), 'backup passphrase', FAST_KDF);
    await expect(decryptBackup(file, 'another passphrase')).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    await expect(decryptBackup('hello', 'x')).rejects.toThrow('not JSON');
    await expect(decryptBackup('{"format":"zip"}', 'x')).rejects.toThrow('not a messenger backup');
    // A hostile file may not ask for a huge KDF cost.
    const costly = JSON.stringify({ ...JSON.parse(file), kdf: { ...FAST_KDF, N: 2 ** 30 } });
    await expect(decryptBackup(costly, 'backup passphrase')).rejects.toThrow('not a messenger backup');
  });

  it('detects a tampered file', async () => {
    const file = JSON.parse(await encryptBackup(content(), 'backup passphrase', FAST_KDF)) as { box: string };
    const flipped = file.box.startsWith('A') ? `B${file.box.slice(1)}` : `A${file.box.slice(1)}`;
    await expect(
      decryptBackup(JSON.stringify({ ...file, box: flipped }), 'backup passphrase'),
    ).rejects.toMatchObject({ code: 'wrong-passphrase' });
  });

  it('carries the contact book, and a restore puts it back in place of the one there was', async () => {
    const before = await testVaultStorage().create('vault passphrase');
    const book = [
      contactRecord(randomId(), 'accepted', { name: 'Bob', alias: 'Bobby', muted: true }),
      contactRecord(randomId(), 'outgoing', { name: 'Carol', owed: 'request', greeting: 'hi' }),
      contactRecord(randomId(), 'incoming', { name: 'Bob', nameVerified: false, nameReused: true }),
      contactRecord(randomId(), 'blocked', { name: 'Mallory' }),
    ];
    for (const contact of book) await before.book.put(contact);
    const exported = await before.exportContent();
    const file = await encryptBackup(exported, 'backup passphrase', FAST_KDF);
    expect(file).not.toMatch(/Bobby|Carol|Mallory/);
    const decrypted = await decryptBackup(file, 'backup passphrase');
    expect(decrypted).toEqual(exported);
    const byId = (a: { userId: string }, b: { userId: string }) => a.userId.localeCompare(b.userId);
    expect([...(decrypted.book ?? [])].sort(byId)).toEqual([...book].sort(byId));

    const elsewhere = await testVaultStorage().create('other passphrase');
    await elsewhere.book.put(contactRecord(randomId(), 'accepted', { name: 'Dave' }));
    const restored = await elsewhere.restore(decrypted);
    expect((await restored.book.all()).sort(byId)).toEqual([...book].sort(byId));
  });

  it('restores a backup made before contacts were chosen (no book): an empty book, the rest as it was', async () => {
    const old = content(); // no `book`, as backups were then
    const decrypted = await decryptBackup(
      await encryptBackup(old, 'backup passphrase', FAST_KDF),
      'backup passphrase',
    );
    expect(decrypted).not.toHaveProperty('book');
    const vault = await testVaultStorage().create('vault passphrase');
    await vault.book.put(contactRecord(randomId(), 'accepted'));
    const restored = await vault.restore(decrypted);
    expect(await restored.book.all()).toEqual([]);
    expect(await restored.contacts.all()).toEqual(old.contacts);
    expect(await restored.history.all()).toEqual(old.messages);
  });

  it('refuses a backup whose contact book does not parse, naming the part that fails', async () => {
    const broken = { ...content(), book: [{ ...contactRecord(randomId(), 'accepted'), state: 'friends' }] };
    // A file no honest version writes: the schema's type does not allow it.
    const file = await encryptBackup(broken as unknown as VaultContent, 'backup passphrase', FAST_KDF);
    await expect(decryptBackup(file, 'backup passphrase')).rejects.toThrow(
      /The backup's content is invalid: book/,
    );
  });
});
