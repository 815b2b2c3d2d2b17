import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../../shared/crypto/identity';
import { createBackups } from '../../../extension/lib/engine/backups';
import type { Profile } from '../../../extension/lib/engine/profile';
import type { ChatMessage } from '../../../extension/lib/model';
import type { UnlockedVault } from '../../../extension/lib/storage/vault-storage';
import type { VaultContent } from '../../../extension/lib/vault/backup';
import { FAST_KDF, testVaultStorage } from '../../support/vault';
import { fakeProfile } from './module-fakes';

/** A profile whose vault exports a real vault's content and records what it is asked to restore. */
async function vaultProfile() {
  const fake = fakeProfile();
  const content = await (await testVaultStorage().create('vault passphrase')).exportContent();
  const restored: VaultContent[] = [];
  const vault = {
    ...fake.profile.vault,
    exportContent: async () => content,
    restore: async (content: VaultContent) => {
      restored.push(content);
      return { restoredFrom: content } as unknown as UnlockedVault;
    },
  }; // only the two methods backups.ts calls
  const profile: Profile = { ...fake.profile, vault };
  return { profile, restored, content };
}

describe('backups (engine)', () => {
  it('exports a file named after the profile and the day, that restores to the same content', async () => {
    const entered: UnlockedVault[] = [];
    const requeued: (readonly ChatMessage[])[] = [];
    const next = fakeProfile().profile;
    const backups = createBackups({
      kdf: FAST_KDF,
      now: () => Date.UTC(2026, 11, 3, 12),
      enter: async (vault) => {
        entered.push(vault);
        return next;
      },
      requeue: async (opened, messages) => {
        expect(opened).toBe(next); // requeued on the restored profile, not the old one
        requeued.push(messages);
      },
    });
    const { profile, restored, content } = await vaultProfile();
    const exported = await backups.exportBackup(profile, 'backup passphrase');
    expect(exported.fileName).toBe('messenger-backup-Alice-2026-12-03.json');
    expect(exported.backup).not.toContain(encodeBytes(content.identity.signing.secretKey));

    await expect(backups.importBackup(profile, 'wrong passphrase', exported.backup)).rejects.toThrow();
    expect(restored).toEqual([]);
    expect(entered).toEqual([]);

    await backups.importBackup(profile, 'backup passphrase', exported.backup);
    expect(restored).toEqual([content]);
    expect(entered).toEqual([{ restoredFrom: content }]);
    expect(requeued).toEqual([[]]);
  });
});
