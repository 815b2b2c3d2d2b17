import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { newProfileKey } from '../../../extension/lib/crypto/profile-seal';
import type { OwnProfileRecord, PeerProfileRecord } from '../../../extension/lib/model';
import { decryptBackup, encryptBackup } from '../../../extension/lib/vault/backup';
import { FAST_KDF, testVaultStorage } from '../../support/vault';

const own: OwnProfileRecord = {
  key: newProfileKey(),
  version: 3,
  card: { v: 1, displayName: 'Ana Lima', bio: 'Climbs' },
};
const bob = (): PeerProfileRecord => ({
  userId: randomId(),
  key: newProfileKey(),
  announced: 2,
  opened: { version: 2, card: { v: 1, displayName: 'Bob B.', bio: '' } },
});

describe('profile store (vault)', () => {
  it('keeps our profile and each contact’s sealed, under keys that name nobody; a contact’s goes on delete', async () => {
    const storage = testVaultStorage();
    const vault = await storage.create('vault passphrase');
    const [first, second] = [bob(), bob()];
    await vault.profiles.saveOwn(own);
    await vault.profiles.putPeer(first);
    await vault.profiles.putPeer(second);
    await vault.profiles.deletePeer(second.userId);

    const again = await storage.unlock('vault passphrase');
    expect(await again.profiles.own()).toEqual(own);
    expect(await again.profiles.peers()).toEqual([first]);
  });

  it('goes into a backup and comes back from it, on another vault', async () => {
    const vault = await testVaultStorage().create('vault passphrase');
    const peer = bob();
    await vault.profiles.saveOwn(own);
    await vault.profiles.putPeer(peer);
    const backup = await encryptBackup(await vault.exportContent(), 'backup passphrase', FAST_KDF);
    expect(backup).not.toContain('Ana Lima');

    const other = await testVaultStorage().create('other passphrase');
    const restored = await other.restore(await decryptBackup(backup, 'backup passphrase'));
    expect(await restored.profiles.own()).toEqual(own);
    expect(await restored.profiles.peers()).toEqual([peer]);
  });
});
