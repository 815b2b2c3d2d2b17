import type { UserId } from '../../../../shared/ids';
import type { User } from '../../../../shared/protocol/socket';
import type { ClaimOutcome, PresenceStore } from '../presence';

interface Entry {
  readonly user: User;
  readonly sessionId: string;
  tokens: ReadonlySet<string>;
  visible: boolean;
}

const NO_TOKENS: ReadonlySet<string> = new Set();

/** The embedded presence store: one process, nothing to install. */
export function createMemoryPresenceStore(): PresenceStore {
  const byUser = new Map<UserId, Entry>();
  return {
    async claim(user, sessionId): Promise<ClaimOutcome> {
      const previous = byUser.get(user.userId);
      byUser.set(user.userId, { user, sessionId, tokens: NO_TOKENS, visible: false });
      const departed = previous?.visible ? [...previous.tokens] : [];
      return previous && previous.sessionId !== sessionId
        ? { replaced: previous.sessionId, departed }
        : { departed };
    },
    async release(userId, sessionId) {
      if (byUser.get(userId)?.sessionId !== sessionId) return false;
      byUser.delete(userId);
      return true;
    },
    async present(userId, sessionId, tokens, visible) {
      const entry = byUser.get(userId);
      if (entry?.sessionId !== sessionId) return false;
      entry.tokens = new Set(tokens);
      entry.visible = visible;
      return true;
    },
    async shareToken(a, b) {
      const [one, other] = [byUser.get(a)?.tokens, byUser.get(b)?.tokens];
      if (!one || !other) return false;
      // Walks the smaller set: a user with many contacts costs nothing to one with few.
      const [small, large] = one.size <= other.size ? [one, other] : [other, one];
      for (const token of small) if (large.has(token)) return true;
      return false;
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
