import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../../shared/crypto/identity';
import { ErrorCode } from '../../../shared/errors';
import type { UserId } from '../../../shared/ids';
import type { ProfileContent } from '../../../shared/protocol/content';
import type { ProfileCard, StoredProfile } from '../../../shared/protocol/profile';
import type { DecodeImage } from '../../../extension/lib/contacts/avatar';
import { newProfileKey, openProfile, sealProfile } from '../../../extension/lib/crypto/profile-seal';
import {
  createUserProfiles,
  type ProfileRequest,
  type UserProfilesDeps,
} from '../../../extension/lib/engine/user-profiles';
import { EngineError } from '../../../extension/lib/errors';
import type {
  OwnProfileRecord,
  PeerProfileRecord,
  ProfileStore,
} from '../../../extension/lib/storage/profile-store';
import { randomId } from '../../../shared/ids';
import { contactRecord, userId } from './module-fakes';

const WEBP = new TextEncoder().encode('RIFF\x10\0\0\0WEBPVP8 data');
const WEBP_URL = `data:image/webp;base64,${Buffer.from(WEBP).toString('base64')}`;

function memoryStore(): ProfileStore & {
  ownRecord?: OwnProfileRecord;
  readonly peerRecords: Map<UserId, PeerProfileRecord>;
} {
  const peerRecords = new Map<UserId, PeerProfileRecord>();
  const store = {
    ownRecord: undefined as OwnProfileRecord | undefined,
    peerRecords,
    own: async () => store.ownRecord,
    saveOwn: async (record: OwnProfileRecord) => void (store.ownRecord = record),
    peers: async () => [...peerRecords.values()],
    putPeer: async (record: PeerProfileRecord) => void peerRecords.set(record.userId, record),
    deletePeer: async (id: UserId) => void peerRecords.delete(id),
  };
  return store;
}

/** A module over a fake server (one stored profile per user) and fake contacts. */
function setUp(
  options: { accepted?: UserId[]; decode?: DecodeImage; store?: ReturnType<typeof memoryStore> } = {},
) {
  const server = new Map<UserId, StoredProfile>();
  const sent: { to: UserId; content: ProfileContent }[] = [];
  const store = options.store ?? memoryStore();
  const selfId = userId();
  const accepted = options.accepted ?? [];
  let changes = 0;
  // One function for both requests: typed by the event at the call, by hand here.
  const request = (async (event: ProfileRequest, payload: unknown) => {
    if (event === 'profile:get') {
      const found = server.get((payload as { userId: UserId }).userId);
      if (!found) throw new EngineError(ErrorCode.NotFound, 'no profile');
      return found;
    }
    const put = payload as StoredProfile;
    if ((server.get(selfId)?.version ?? 0) >= put.version)
      throw new EngineError(ErrorCode.InvalidPayload, 'old');
    server.set(selfId, put);
    return { version: put.version };
  }) as UserProfilesDeps['request'];
  const profiles = createUserProfiles({
    store,
    selfId,
    decodeImage: options.decode ?? (async () => ({ width: 128, height: 128 })),
    request,
    audience: () => accepted,
    takesKeyFrom: (id) => accepted.includes(id),
    send: async (to, content) => {
      sent.push({ to, content });
      return true;
    },
    changed: () => void (changes += 1),
  });
  return { profiles, server, sent, store, selfId, changes: () => changes };
}

const card = (displayName: string, extra: Partial<ProfileCard> = {}): ProfileCard => ({
  v: 1,
  displayName,
  bio: 'bio',
  ...extra,
});

describe('user profiles', () => {
  it('saves: seals under a new key as version 1, stores ciphertext on the server, tells each accepted contact', async () => {
    const [bob, carol] = [userId(), userId()];
    const { profiles, server, sent, store, selfId } = setUp({ accepted: [bob, carol] });
    await profiles.load();
    expect(profiles.own()).toBeNull();
    expect(profiles.ownKey()).toBeUndefined();

    const saved = await profiles.save({ displayName: 'Ana', bio: 'Climbs', avatar: WEBP_URL });
    expect(saved).toEqual({ displayName: 'Ana', bio: 'Climbs', avatar: WEBP_URL, version: 1 });
    const key = profiles.ownKey() ?? '';
    const stored = server.get(selfId);
    expect(stored?.version).toBe(1);
    expect(stored?.sealed).not.toContain('Climbs');
    expect(openProfile(key, selfId, 1, stored?.sealed ?? '')).toEqual({
      v: 1,
      displayName: 'Ana',
      bio: 'Climbs',
      avatar: { type: 'image/webp', data: encodeBytes(WEBP) },
    });
    expect(store.ownRecord?.version).toBe(1);
    await profiles.announced();
    expect(sent).toEqual(
      [bob, carol].map((to) => ({ to, content: { v: 1, kind: 'profile', key, version: 1 } })),
    );

    // The next save keeps the key and takes the next version; removing the picture leaves it out.
    expect(await profiles.save({ displayName: 'Ana L.', bio: '' })).toEqual({
      displayName: 'Ana L.',
      bio: '',
      version: 2,
    });
    expect(profiles.ownKey()).toBe(key);
    expect(openProfile(key, selfId, 2, server.get(selfId)?.sealed ?? '').avatar).toBeUndefined();
  });

  it('goes past a version the server holds that this vault does not know (restored from an older backup)', async () => {
    const { profiles, server, selfId } = setUp();
    server.set(selfId, { version: 7, sealed: 'AAAA' });
    expect((await profiles.save({ displayName: 'Ana', bio: '' })).version).toBe(8);
  });

  it('refuses a picture that is not a JPEG or WebP picture within the limits, and stores nothing', async () => {
    const { profiles, server, selfId } = setUp({ decode: async () => ({ width: 512, height: 512 }) });
    await expect(profiles.save({ displayName: 'Ana', bio: '', avatar: WEBP_URL })).rejects.toThrow(
      /cannot be used: the picture must be at most 128×128/,
    );
    const png = 'data:image/webp;base64,iVBORw0KGgo=';
    await expect(profiles.save({ displayName: 'Ana', bio: '', avatar: png })).rejects.toThrow(/not those of/);
    expect(server.get(selfId)).toBeUndefined();
    expect(profiles.own()).toBeNull();
  });

  it("opens a contact's profile with the key they gave, checked, and keeps it across a restart", async () => {
    const bob = userId();
    const { profiles, server, store, changes } = setUp({ accepted: [bob] });
    await profiles.load();
    const key = newProfileKey();
    const avatar = { type: 'image/webp' as const, data: encodeBytes(WEBP) };
    server.set(bob, { version: 2, sealed: sealProfile(key, bob, 2, card('Bob B.', { avatar })) });
    await profiles.receiveKey(bob, key, 2);
    expect(profiles.of(bob)).toEqual({ displayName: 'Bob B.', bio: 'bio', avatar: WEBP_URL });
    expect(changes()).toBe(1);

    // A newer version, announced: fetched again. An announcement of one already opened: nothing fetched.
    server.set(bob, { version: 3, sealed: sealProfile(key, bob, 3, card('Bob Brown')) });
    await profiles.receiveKey(bob, key, 3);
    expect(profiles.of(bob)).toEqual({ displayName: 'Bob Brown', bio: 'bio' });
    server.set(bob, { version: 4, sealed: sealProfile(key, bob, 4, card('Not fetched')) });
    await profiles.receiveKey(bob, key, 3);
    expect(profiles.of(bob)?.displayName).toBe('Bob Brown');

    const again = setUp({ accepted: [bob], store });
    await again.profiles.load();
    expect(again.profiles.of(bob)?.displayName).toBe('Bob Brown');
  });

  it('drops what does not open as that contact and version, a picture that does not decode, and keys from strangers', async () => {
    const [bob, stranger] = [userId(), userId()];
    const { profiles, server } = setUp({
      accepted: [bob],
      decode: async () => Promise.reject(new Error('no')),
    });
    const key = newProfileKey();
    // The server passes Bob's version 1 off as version 2, then another user's profile as his.
    server.set(bob, { version: 2, sealed: sealProfile(key, bob, 1, card('Old Bob')) });
    await profiles.receiveKey(bob, key, 2);
    expect(profiles.of(bob)).toBeUndefined();
    server.set(bob, { version: 2, sealed: sealProfile(key, userId(), 2, card('Someone else')) });
    await profiles.receiveKey(bob, key, 2);
    expect(profiles.of(bob)).toBeUndefined();
    const avatar = { type: 'image/webp' as const, data: encodeBytes(WEBP) };
    server.set(bob, { version: 2, sealed: sealProfile(key, bob, 2, card('Bob', { avatar })) });
    await profiles.receiveKey(bob, key, 2);
    expect(profiles.of(bob)).toBeUndefined();

    server.set(stranger, { version: 1, sealed: sealProfile(key, stranger, 1, card('Stranger')) });
    await profiles.receiveKey(stranger, key, 1);
    expect(profiles.of(stranger)).toBeUndefined();
  });

  it('ignores a server that answers an older version than was announced, and keeps the newer key', async () => {
    const bob = userId();
    const { profiles, server } = setUp({ accepted: [bob] });
    const [oldKey, newKey] = [newProfileKey(), newProfileKey()];
    server.set(bob, { version: 1, sealed: sealProfile(oldKey, bob, 1, card('Bob')) });
    await profiles.receiveKey(bob, oldKey);
    expect(profiles.of(bob)?.displayName).toBe('Bob');
    // Bob has a new key; the server still answers version 1 (sealed under the old one): Bob stays as he was.
    await profiles.receiveKey(bob, newKey, 2);
    expect(profiles.of(bob)?.displayName).toBe('Bob');
    server.set(bob, { version: 2, sealed: sealProfile(newKey, bob, 2, card('Bob 2')) });
    await profiles.receiveKey(bob, newKey, 2);
    expect(profiles.of(bob)?.displayName).toBe('Bob 2');
  });

  it('never rejects a key it cannot keep (the vault fails): inbound does not wait on it', async () => {
    const bob = userId();
    const store = memoryStore();
    store.putPeer = () => Promise.reject(new Error('disk full'));
    const { profiles } = setUp({ accepted: [bob], store });
    await expect(profiles.receiveKey(bob, newProfileKey(), 1)).resolves.toBeUndefined();
    expect(profiles.of(bob)).toBeUndefined();
  });

  it('seals the profile again under a new key when someone who had it leaves, and tells those who stay', async () => {
    const [bob, carol] = [userId(), userId()];
    const audience = [bob, carol];
    const { profiles, server, sent, selfId } = setUp({ accepted: audience });
    await profiles.save({ displayName: 'Ana', bio: '' });
    const oldKey = profiles.ownKey() ?? '';
    sent.length = 0;

    profiles.contactLeft(contactRecord(randomId(), 'incoming')); // a request never had it: nothing changes
    await profiles.rotated();
    expect(profiles.ownKey()).toBe(oldKey);

    audience.splice(audience.indexOf(carol), 1);
    profiles.contactLeft(contactRecord(carol, 'accepted'));
    await profiles.rotated();
    await profiles.announced();
    const newKey = profiles.ownKey() ?? '';
    expect(newKey).not.toBe(oldKey);
    const stored = server.get(selfId);
    expect(stored?.version).toBe(2);
    expect(openProfile(newKey, selfId, 2, stored?.sealed ?? '').displayName).toBe('Ana');
    expect(() => openProfile(oldKey, selfId, 2, stored?.sealed ?? '')).toThrow(/does not open/);
    expect(sent).toEqual([{ to: bob, content: { v: 1, kind: 'profile', key: newKey, version: 2 } }]);
  });

  it('rotates at the next save when the server was out of reach', async () => {
    const bob = userId();
    const { profiles, server, store, selfId } = setUp({ accepted: [bob] });
    await profiles.save({ displayName: 'Ana', bio: '' });
    const oldKey = profiles.ownKey();
    const saved = server.get(selfId);
    server.clear();
    const offline = new EngineError(ErrorCode.Unauthenticated, 'Not connected to the server');
    const get = server.get.bind(server);
    server.get = () => {
      throw offline;
    };
    profiles.contactLeft(contactRecord(bob, 'accepted'));
    await profiles.rotated();
    expect(store.ownRecord?.rotate).toBe(true);
    expect(profiles.ownKey()).toBe(oldKey);

    server.get = get;
    if (saved) server.set(selfId, saved);
    await profiles.save({ displayName: 'Ana L.', bio: '' });
    expect(profiles.ownKey()).not.toBe(oldKey);
    expect(store.ownRecord?.rotate).toBeUndefined();
  });
});
