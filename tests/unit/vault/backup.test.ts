import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { createIdentityKeys } from '../../../extension/lib/crypto/identity';
import type { VaultContent } from '../../../extension/lib/vault/backup';
import { decryptBackup, encryptBackup } from '../../../extension/lib/vault/backup';
import { FAST_KDF } from '../../support/vault';

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
});
