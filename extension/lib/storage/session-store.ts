import type { UserId } from '../../../shared/ids';
import { NO_PREKEYS, type OwnPrekeys } from '../crypto/prekeys';
import type { PeerSessions, SessionStore } from '../engine/sessions';
import type { Records } from './records';

/**
 * Sessions and own prekeys, sealed; written through on every change and kept in memory once read, since the
 * engine is their only writer and reads them for every message.
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
    async save(peerId, next) {
      await records.put(keyOf(peerId), next);
      sessions.set(peerId, next);
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
