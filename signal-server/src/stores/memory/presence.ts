import { nameKey } from '../../../../shared/names';
import type { UserId } from '../../../../shared/ids';
import type { User } from '../../../../shared/protocol/socket';
import type { ClaimOutcome, PresenceStore } from '../presence';

interface Entry {
  readonly user: User;
  readonly sessionId: string;
}

/** The embedded presence store: one process, nothing to install. */
export function createMemoryPresenceStore(): PresenceStore {
  const byUser = new Map<UserId, Entry>();
  const userByName = new Map<string, UserId>();

  return {
    async claim(user, sessionId): Promise<ClaimOutcome> {
      const key = nameKey(user.name);
      const holder = userByName.get(key);
      if (holder !== undefined && holder !== user.userId) return { ok: false, reason: 'name-taken' };
      const previous = byUser.get(user.userId);
      if (previous) userByName.delete(nameKey(previous.user.name));
      byUser.set(user.userId, { user, sessionId });
      userByName.set(key, user.userId);
      return previous && previous.sessionId !== sessionId
        ? { ok: true, replaced: previous.sessionId }
        : { ok: true };
    },
    async release(userId, sessionId) {
      const entry = byUser.get(userId);
      if (!entry || entry.sessionId !== sessionId) return false;
      byUser.delete(userId);
      userByName.delete(nameKey(entry.user.name));
      return true;
    },
    async list() {
      return Array.from(byUser.values(), (entry) => entry.user);
    },
    async count() {
      return byUser.size;
    },
  };
}
