import type { UserId } from '../../../shared/ids';
import { NO_PREKEYS, type OwnPrekeys } from '../crypto/prekeys';
import type { PeerSessions, SessionStore } from '../engine/sessions';
import type { Records } from './records';

export function createSessionStore(records: Records): SessionStore {
  const keyOf = (peerId: UserId): string => `session:${records.tag(peerId)}`;
  return {
    load: async (peerId) => ((await records.get(keyOf(peerId))) as PeerSessions | undefined) ?? [],
    save: (peerId, sessions) => records.put(keyOf(peerId), sessions),
    loadPrekeys: async () => ((await records.get('prekeys')) as OwnPrekeys | undefined) ?? NO_PREKEYS,
    savePrekeys: (prekeys) => records.put('prekeys', prekeys),
  };
}
