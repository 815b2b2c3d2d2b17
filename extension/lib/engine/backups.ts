import type { EngineResponses } from '../messaging/protocol';
import type { ChatMessage } from '../model';
import type { UnlockedVault } from '../storage/vault-storage';
import { decryptBackup, encryptBackup } from '../vault/backup';
import type { KdfParams } from '../vault/kdf';
import type { Profile } from './profile';

export interface BackupsDeps {
  /** The KDF cost of a backup's passphrase (tests lower it). */
  readonly kdf: KdfParams;
  readonly now: () => number;
  /** Makes the restored vault the open profile (the old one's connections and state are dropped). */
  readonly enter: (vault: UnlockedVault) => Promise<Profile>;
  /** Puts restored messages no recipient had confirmed back in the outbox. */
  readonly requeue: (opened: Profile, messages: readonly ChatMessage[]) => Promise<void>;
}

/** A profile's whole content as one passphrase-encrypted file, and back. */
export interface Backups {
  exportBackup(opened: Profile, passphrase: string): Promise<EngineResponses['exportBackup']>;
  /** Replaces the profile with the backup's; a wrong passphrase or a bad file changes nothing. */
  importBackup(opened: Profile, passphrase: string, backup: string): Promise<void>;
}

export function createBackups({ kdf, now, enter, requeue }: BackupsDeps): Backups {
  return {
    async exportBackup({ vault, settings }, passphrase) {
      const backup = await encryptBackup(await vault.exportContent(), passphrase, kdf);
      const day = new Date(now()).toISOString().slice(0, 10);
      return { fileName: `messenger-backup-${settings?.name ?? 'profile'}-${day}.json`, backup };
    },
    async importBackup({ vault }, passphrase, backup) {
      // Decrypted and validated in full before anything is written: a wrong passphrase changes nothing.
      const content = await decryptBackup(backup, passphrase);
      const restored = await enter(await vault.restore(content));
      // The outbox is not in a backup: whatever no recipient had confirmed goes again from here (receivers and the
      // mailbox drop what they already have).
      await requeue(restored, content.messages);
    },
  };
}
