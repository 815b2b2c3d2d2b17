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
  return {
    async claim(user, sessionId): Promise<ClaimOutcome> {
      const previous = byUser.get(user.userId);
      byUser.set(user.userId, { user, sessionId });
      return previous && previous.sessionId !== sessionId ? { replaced: previous.sessionId } : {};
    },
    async release(userId, sessionId) {
      if (byUser.get(userId)?.sessionId !== sessionId) return false;
      byUser.delete(userId);
      return true;
    },
    async list() {
      return Array.from(byUser.values(), (entry) => entry.user);
    },
    async count() {
      return byUser.size;
    },
    async heartbeat() {
      return []; // one process: if it dies, so does everything it kept
    },
  };
}
