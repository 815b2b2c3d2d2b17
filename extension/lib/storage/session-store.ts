import type { UserId } from '../../../shared/ids';
import { NO_PREKEYS, type OwnPrekeys } from '../crypto/prekeys';
import type { PeerSessions, SessionStore } from './stores';
import type { Records } from './records';

/**
 * Sessions and own prekeys, sealed; written through on every change and kept in memory once read, since the
 * engine is their only writer and reads them for every message. A save is in memory at once (the next message
 * builds on it while the write commits); if the write fails, memory forgets it and reads the disk again.
 */
export function createSessionStore(records: Records): SessionStore {
  const keyOf = (peerId: UserId): string => `session:${records.tag(peerId)}`;
  const sessions = new Map<UserId, PeerSessions>();
  let prekeys: OwnPrekeys | undefined;
  return {
    async load(peerId) {
      const cached = sessions.get(peerId);
      if (cached) return cached;
      // Sealed by save() under the vault key for this record's key: one that opens is what this store wrote.
      const stored = ((await records.get(keyOf(peerId))) as PeerSessions | undefined) ?? [];
      sessions.set(peerId, stored);
      return stored;
    },
    async save(peerId, next, durability) {
      sessions.set(peerId, next);
      try {
        await records.put(keyOf(peerId), next, durability);
      } catch (error) {
        if (sessions.get(peerId) === next) sessions.delete(peerId);
        throw error;
      }
    },
    async loadPrekeys() {
      // Sealed by savePrekeys() under the vault key: one that opens is what this store wrote.
      prekeys ??= ((await records.get('prekeys')) as OwnPrekeys | undefined) ?? NO_PREKEYS;
      return prekeys;
    },
    async savePrekeys(next) {
      await records.put('prekeys', next);
      prekeys = next;
    },
  };
}
