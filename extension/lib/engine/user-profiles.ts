/**
 * User profiles (display name, bio, avatar; not the vault's `Profile` of profile.ts), Signal's model. Our own is
 * sealed under a random profile key and stored on the server as ciphertext (`profile:put`); the key goes to
 * contacts over the ratchet: in the contact request and its acceptance (contact-book.ts asks `ownKey`), and in a
 * `profile` content to every accepted contact each time the profile changes. A contact's key fetches and opens
 * theirs (`profile:get`), checked (schema, and the avatar's bytes decoded) before any page sees it.
 */
import { ErrorCode } from '../../../shared/errors';
import type { UserId } from '../../../shared/ids';
import type { ProfileContent } from '../../../shared/protocol/content';
import type { ProfileCard } from '../../../shared/protocol/profile';
import type { RequestPayload, ResponseMap } from '../../../shared/protocol/socket';
import {
  AvatarError,
  avatarDataUrl,
  avatarFromDataUrl,
  checkAvatar,
  type DecodeImage,
} from '../contacts/avatar';
import { newProfileKey, openProfile, sealProfile } from '../crypto/profile-seal';
import { EngineError } from '../errors';
import type { ContactProfile, OwnProfile, ProfileInput } from '../messaging/protocol';
import type { ContactRecord, OwnProfileRecord, PeerProfileRecord } from '../model';
import type { ProfileStore } from '../storage/profile-store';
import { createKeyedQueue } from './queue';

export type ProfileRequest = 'profile:put' | 'profile:get';

export interface UserProfilesDeps {
  readonly store: ProfileStore;
  readonly selfId: UserId;
  readonly decodeImage: DecodeImage;
  /** A request to the server; throws EngineError (offline, refused, not found). */
  readonly request: <E extends ProfileRequest>(
    event: E,
    payload: RequestPayload<E>,
  ) => Promise<ResponseMap[E]>;
  /**
   * Whom to tell when our profile changes: accepted contacts, and those we asked (our request may have gone
   * before we had a profile key; they take it as a request's, and show it once they accept).
   */
  readonly audience: () => readonly UserId[];
  /** Whether keys from this user are taken: a contact or a request, not a stranger or someone blocked. */
  readonly takesKeyFrom: (userId: UserId) => boolean;
  /** Seals the content for the contact and hands it to the server's mailbox; false while offline. */
  readonly send: (userId: UserId, content: ProfileContent) => Promise<boolean>;
  /** Something pages show changed. */
  readonly changed: () => void;
}

export interface UserProfiles {
  load(): Promise<void>;
  /** Our own profile as Settings shows it; null before the first save. */
  own(): OwnProfile | null;
  /** Our profile key, for a contact request or acceptance; none before the first save. */
  ownKey(): string | undefined;
  /** Seals and stores a new version on the server, then tells every contact (in the background). */
  save(input: ProfileInput): Promise<OwnProfile>;
  /** A contact's profile as opened and checked, if any. */
  of(userId: UserId): ContactProfile | undefined;
  /**
   * A contact gave us their profile key (with a request, an acceptance or a `profile` content, which names the
   * version to fetch): kept, and their profile fetched and opened. Resolves once fetched; never rejects (a
   * failure is logged: the next announcement tries again).
   */
  receiveKey(from: UserId, key: string, version?: number): Promise<void>;
  /**
   * Someone stopped being a contact: if they could have had our key (accepted, or asked by us), the profile is
   * sealed again under a new key, at once if the server is there, else at the next save; nothing waits on it.
   */
  contactLeft(contact: ContactRecord): void;
  /** Resolves once the last key rotation is done or has failed (tests; nothing waits on it otherwise). */
  rotated(): Promise<void>;
  /** Resolves once the announcements of the last save have gone (tests; nothing waits on it otherwise). */
  announced(): Promise<void>;
}

const viewOf = (card: ProfileCard): ContactProfile => ({
  displayName: card.displayName,
  bio: card.bio,
  ...(card.avatar ? { avatar: avatarDataUrl(card.avatar) } : {}),
});

export function createUserProfiles(deps: UserProfilesDeps): UserProfiles {
  const peers = new Map<UserId, PeerProfileRecord>();
  const views = new Map<UserId, ContactProfile>();
  let own: OwnProfileRecord | undefined;
  let announcing: Promise<void> = Promise.resolve();
  let rotating: Promise<void> = Promise.resolve();
  const queue = createKeyedQueue();

  const keep = async (record: PeerProfileRecord): Promise<void> => {
    peers.set(record.userId, record);
    if (record.opened) views.set(record.userId, viewOf(record.opened.card));
    await deps.store.putPeer(record);
  };

  /** Fetches the contact's newest profile; opens and checks it; keeps it if newer than the one we have. */
  async function fetch(userId: UserId): Promise<void> {
    const record = peers.get(userId);
    if (!record) return;
    let stored: ResponseMap['profile:get'];
    try {
      stored = await deps.request('profile:get', { userId });
    } catch (error) {
      console.warn(`engine: could not fetch the profile of ${userId}: ${String(error)}`);
      return;
    }
    if (record.opened && record.opened.version >= stored.version) return;
    let card: ProfileCard;
    try {
      card = openProfile(record.key, userId, stored.version, stored.sealed);
      if (card.avatar) await checkAvatar(card.avatar, deps.decodeImage);
    } catch (error) {
      // Another key (the contact changed it, and the message saying so is on its way) or a forgery: ignored.
      console.warn(`engine: dropped the profile of ${userId}: ${String(error)}`);
      return;
    }
    const current = peers.get(userId);
    if (!current || current.key !== record.key) return; // a newer key came meanwhile: its own fetch follows
    await keep({ ...current, opened: { version: stored.version, card } });
    deps.changed();
  }

  async function announce(version: number, key: string): Promise<void> {
    for (const userId of deps.audience()) {
      try {
        if (!(await deps.send(userId, { v: 1, kind: 'profile', key, version })))
          console.warn(`engine: profile version ${version} not announced to ${userId}: offline`);
      } catch (error) {
        console.warn(`engine: profile version ${version} not announced to ${userId}: ${String(error)}`);
      }
    }
  }

  /** Seals `card` as the next version (under a new key when one is due), stores it, and tells our contacts. */
  async function publish(card: ProfileCard): Promise<OwnProfile> {
    // The server may hold a newer version than this vault (restored from an older backup): go past it.
    let held = 0;
    try {
      held = (await deps.request('profile:get', { userId: deps.selfId })).version;
    } catch (error) {
      if (!(error instanceof EngineError && error.code === ErrorCode.NotFound)) throw error;
    }
    const key = own && !own.rotate ? own.key : newProfileKey();
    const version = Math.max(own?.version ?? 0, held) + 1;
    await deps.request('profile:put', { version, sealed: sealProfile(key, deps.selfId, version, card) });
    own = { key, version, card };
    await deps.store.saveOwn(own);
    announcing = announce(version, key);
    deps.changed();
    return { ...viewOf(card), version };
  }

  return {
    async load() {
      const [stored, records] = await Promise.all([deps.store.own(), deps.store.peers()]);
      own = stored;
      for (const record of records) {
        peers.set(record.userId, record);
        if (record.opened) views.set(record.userId, viewOf(record.opened.card));
      }
    },
    own: () => (own ? { ...viewOf(own.card), version: own.version } : null),
    ownKey: () => own?.key,
    async save(input) {
      let avatar: ProfileCard['avatar'];
      if (input.avatar !== undefined) {
        avatar = avatarFromDataUrl(input.avatar);
        if (!avatar)
          throw new EngineError(ErrorCode.InvalidPayload, 'The picture must be a JPEG or WebP image');
        try {
          await checkAvatar(avatar, deps.decodeImage);
        } catch (error) {
          if (!(error instanceof AvatarError)) throw error;
          throw new EngineError(
            ErrorCode.InvalidPayload,
            `This picture cannot be used: ${error.reason}; choose another`,
          );
        }
      }
      const card: ProfileCard = {
        v: 1,
        displayName: input.displayName,
        bio: input.bio,
        ...(avatar ? { avatar } : {}),
      };
      return publish(card);
    },
    contactLeft(contact) {
      if (!own || !['accepted', 'outgoing'].includes(contact.state)) return;
      const current = own;
      rotating = rotating.then(async () => {
        try {
          own = { ...current, rotate: true };
          await deps.store.saveOwn(own);
          await publish(current.card);
        } catch (error) {
          console.warn(`engine: the profile key is rotated at the next save: ${String(error)}`);
        }
      });
    },
    rotated: () => rotating,
    of: (userId) => views.get(userId),
    async receiveKey(from, key, version) {
      if (!deps.takesKeyFrom(from)) return;
      await queue.run(from, async () => {
        try {
          const known = peers.get(from);
          const announced = Math.max(version ?? 0, known?.key === key ? (known.announced ?? 0) : 0);
          const opened = known?.key === key ? known.opened : undefined;
          const done = opened !== undefined && announced > 0 && opened.version >= announced;
          if (!done || known?.key !== key)
            await keep({
              userId: from,
              key,
              ...(announced > 0 ? { announced } : {}),
              // What the old key opened stays shown until the new one opens something.
              ...(known?.opened ? { opened: known.opened } : {}),
            });
          if (!done) await fetch(from);
        } catch (error) {
          console.warn(`engine: could not keep the profile key of ${from}: ${String(error)}`);
        }
      });
    },
    announced: () => announcing,
  };
}
