/**
 * Profiles in the vault: this profile's own (its key, version and content) and each contact's (the key they
 * gave us, and the newest version we opened). Sealed records like the rest; contacts' keyed by an HMAC of the id.
 */
import * as v from 'valibot';
import { UserIdSchema, type UserId } from '../../../shared/ids';
import { ProfileCardSchema, ProfileKeySchema, ProfileVersionSchema } from '../../../shared/protocol/profile';
import { parse } from '../../../shared/validate';
import type { Records } from './records';

export const OwnProfileRecordSchema = v.strictObject({
  key: ProfileKeySchema,
  version: ProfileVersionSchema,
  card: ProfileCardSchema,
});
export type OwnProfileRecord = v.InferOutput<typeof OwnProfileRecordSchema>;

/** A contact's profile key, and what it opened (once fetched and checked). */
export const PeerProfileRecordSchema = v.strictObject({
  userId: UserIdSchema,
  key: ProfileKeySchema,
  /** The newest version they announced: fetched until `opened` has it. */
  announced: v.optional(ProfileVersionSchema),
  opened: v.optional(v.strictObject({ version: ProfileVersionSchema, card: ProfileCardSchema })),
});
export type PeerProfileRecord = v.InferOutput<typeof PeerProfileRecordSchema>;

export interface ProfileStore {
  own(): Promise<OwnProfileRecord | undefined>;
  saveOwn(record: OwnProfileRecord): Promise<void>;
  peers(): Promise<PeerProfileRecord[]>;
  putPeer(record: PeerProfileRecord): Promise<void>;
  deletePeer(userId: UserId): Promise<void>;
}

const OWN = 'profile';
const PEER_PREFIX = 'peer-profile:';

export function createProfileStore(records: Records): ProfileStore {
  const peerKey = (userId: UserId): string => `${PEER_PREFIX}${records.tag(userId)}`;
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
