import type { UserId } from '../../../../shared/ids';
import { nameKey } from '../../../../shared/names';
import type { AccountStore } from '../accounts';

/** The embedded account store: names held in this process, for as long as it runs. */
export function createMemoryAccountStore(): AccountStore {
  const ownerOfName = new Map<string, UserId>();
  const nameOfUser = new Map<UserId, string>();
  return {
    async bindName(userId, name) {
      const key = nameKey(name);
      const owner = ownerOfName.get(key);
      if (owner !== undefined && owner !== userId) return { ok: false, reason: 'name-taken' };
      const previous = nameOfUser.get(userId);
      if (previous !== undefined && previous !== key) ownerOfName.delete(previous);
      ownerOfName.set(key, userId);
      nameOfUser.set(userId, key);
      return { ok: true };
    },
  };
}
