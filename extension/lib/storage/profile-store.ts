/**
 * Profiles in the vault: this profile's own (its key, version and content) and each contact's (the key they
 * gave us, and the newest version we opened). Sealed records like the rest; contacts' keyed by an HMAC of the id.
 */
import type { UserId } from '../../../shared/ids';
import { parse } from '../../../shared/validate';
import {
  OwnProfileRecordSchema,
  PeerProfileRecordSchema,
  type OwnProfileRecord,
  type PeerProfileRecord,
} from '../model';
import type { Records } from './records';

export type { OwnProfileRecord, PeerProfileRecord } from '../model';

export interface ProfileStore {
  own(): Promise<OwnProfileRecord | undefined>;
  saveOwn(record: OwnProfileRecord): Promise<void>;
  peers(): Promise<PeerProfileRecord[]>;
  putPeer(record: PeerProfileRecord): Promise<void>;
  deletePeer(userId: UserId): Promise<void>;
}

const OWN = 'profile';
const PEER_PREFIX = 'peer-profile:';

/** The record key of a contact's profile: an HMAC of their user id, as for their contact record. */
export const peerProfileKey = (tag: (text: string) => string, userId: UserId): string =>
  `${PEER_PREFIX}${tag(userId)}`;
export const OWN_PROFILE_KEY = OWN;

export function createProfileStore(records: Records): ProfileStore {
  const peerKey = (userId: UserId): string => peerProfileKey(records.tag, userId);
  return {
    async own() {
      const stored = await records.get(OWN);
      if (stored === undefined) return undefined;
      const own = parse(OwnProfileRecordSchema, stored);
      if (own.ok) return own.value;
      console.warn(`engine: the stored profile is unreadable (${own.message})`);
      return undefined;
    },
    saveOwn: (record) => records.put(OWN, record),
    async peers() {
      const found: PeerProfileRecord[] = [];
      for (const stored of await records.list(PEER_PREFIX)) {
        const peer = parse(PeerProfileRecordSchema, stored);
        if (peer.ok) found.push(peer.value);
        else console.warn(`engine: a contact's stored profile is unreadable (${peer.message})`);
      }
      return found;
    },
    putPeer: (record) => records.put(peerKey(record.userId), record),
    deletePeer: (userId) => records.delete(peerKey(userId)),
  };
}
