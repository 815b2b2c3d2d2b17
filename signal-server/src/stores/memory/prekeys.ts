import type { UserId } from '../../../../shared/ids';
import type { PrekeyStore, StoredBundle } from '../prekeys';
import type { OneTimePrekey } from '../../../../shared/protocol/prekeys';

export function createMemoryPrekeyStore(): PrekeyStore {
  const byUser = new Map<UserId, { bundle: Omit<StoredBundle, 'oneTimePrekey'>; oneTime: OneTimePrekey[] }>();
  return {
    async publish(userId, identity, signedPrekey, oneTimePrekeys, { limit, replace }) {
      const oneTime = replace ? [] : (byUser.get(userId)?.oneTime ?? []);
      const known = new Set(oneTime.map((prekey) => prekey.id));
      for (const prekey of oneTimePrekeys) {
        if (oneTime.length >= limit) break;
        if (known.has(prekey.id)) continue;
        known.add(prekey.id);
        oneTime.push(prekey);
      }
      byUser.set(userId, { bundle: { identity, signedPrekey }, oneTime });
      return oneTime.length;
    },
    async claim(userId) {
      const entry = byUser.get(userId);
      if (!entry) return undefined;
      const oneTimePrekey = entry.oneTime.shift();
      return oneTimePrekey ? { ...entry.bundle, oneTimePrekey } : entry.bundle;
    },
  };
}
