import { ErrorCode } from '../../../shared/errors';
import { randomId, type UserId } from '../../../shared/ids';
import { nameKey } from '../../../shared/names';
import { userIdOfKeys, type IdentityKeys } from '../crypto/identity';
import type { Settings } from '../settings';
import type { UnlockedVault } from '../storage/vault-storage';
import { EngineError } from '../errors';
import { createContactBook, type ContactBook, type ContactBookDeps } from './contact-book';
import { createKeyPins, type KeyPins } from './contacts';
import { encodeContent } from './content';
import { createConversations, type Conversations } from './conversations';
import { createDelivery, sealedFrame, type Delivery, type DeliveryDeps } from './delivery';
import { STATUS_RANK, withStatus, type MessageLog } from './message-log';
import { createRoomMembership, type RoomMembership, type RoomMembershipDeps } from './room-membership';
import { createSessions, type Sessions, type SessionsDeps } from './sessions';
import { createUserProfiles, type UserProfiles, type UserProfilesDeps } from './user-profiles';
import type { Content } from '../../../shared/protocol/content';

/** What the passphrase opens; dropped (and with it every key) when the engine locks. */
export interface Profile {
  readonly vault: UnlockedVault;
  readonly keys: IdentityKeys;
  /** Derived from keys (SHA-512): computed once, not at every state push. */
  readonly selfId: UserId;
  readonly pins: KeyPins;
  /** The contacts this profile chose, requests either way, and whom it blocked. */
  readonly book: ContactBook;
  readonly conversations: Conversations;
  readonly sessions: Sessions;
  readonly delivery: Delivery;
  /** Rooms this profile is in or invited to, as their signed logs prove (kept in the vault). */
  readonly rooms: RoomMembership;
  /** Display names, bios and avatars: our own, and our contacts' (user-profiles.ts). */
  readonly profiles: UserProfiles;
  /**
   * Sends content that is not a message of the history (a file's answer or cancel) to a contact: through the
   * server's mailbox, or over the direct link while there is no server; throws if neither is there.
   */
  tell(userId: UserId, content: Content): Promise<void>;
  settings: Settings | null;
}

export interface ProfileDeps {
  readonly now: () => number;
  /** A request to the server that must succeed now (the rooms' requests). */
  readonly request: RoomMembershipDeps['request'];
  /** Asks the server for a contact's prekey bundle. */
  readonly claimBundle: SessionsDeps['claimBundle'];
  /** The user the server binds an exact name to. */
  readonly lookup: ContactBookDeps['lookup'];
  readonly blockOnServer: ContactBookDeps['blockOnServer'];
  /** The origin of the server the settings name, if any. */
  readonly serverOrigin: () => string | undefined;
  /** The contacts changed: presence to present again. */
  readonly contactsChanged: () => void;
  /** The name chosen in the settings of the profile open now. */
  readonly selfName: () => string | undefined;
  /** Something the pages show changed (the rooms). */
  readonly changed: () => void;
  /** How the outbox reaches contacts: the server connection's part of DeliveryDeps. */
  readonly transport: Pick<DeliveryDeps, 'linkOpen' | 'peerOnline' | 'connect' | 'sendDirect' | 'sendMail'>;
  readonly log: MessageLog;
  /** The server requests of profiles (profile:put, profile:get). */
  readonly profileRequest: UserProfilesDeps['request'];
  /** Decodes an avatar, to check it is the picture it claims to be. */
  readonly decodeImage: UserProfilesDeps['decodeImage'];
}

/** Builds a profile's working state from its opened vault: pins, rooms (checked again), sessions and outbox. */
export async function openProfile(vault: UnlockedVault, deps: ProfileDeps): Promise<Profile> {
  const { now } = deps;
  const [settings, pinned, chosen] = await Promise.all([
    vault.settings.load(),
    vault.contacts.all(),
    vault.book.all(),
  ]);
  const selfId = userIdOfKeys(vault.identity);
  const pins = createKeyPins(vault.contacts, pinned);
  /** Seals content for a contact and hands it to the server's mailbox: false while there is no server. */
  async function mailContent(userId: UserId, content: Content): Promise<boolean> {
    try {
      const sealed = await sessions.seal(userId, encodeContent(content));
      const sent = deps.transport.sendMail(userId, randomId(), sealed);
      if (!sent) return false;
      const result = await sent;
      if (!result.ok) throw new EngineError(result.error.code, result.error.message);
      return true;
    } catch (error) {
      // No server to claim their prekeys from, or to take the mail: it goes at the next sign-in.
      if (error instanceof EngineError && error.code === ErrorCode.Unauthenticated) return false;
      throw error;
    }
  }
  const book = createContactBook(
    {
      store: vault.book,
      pins,
      selfId,
      selfName: deps.selfName,
      serverOrigin: deps.serverOrigin,
      lookup: deps.lookup,
      blockOnServer: deps.blockOnServer,
      sendContact: mailContent,
      profileKey: () => profiles.ownKey(),
      left: (contact) => profiles.contactLeft(contact),
      changed: deps.contactsChanged,
    },
    chosen,
  );
  const rooms = createRoomMembership({
    keys: vault.identity,
    selfId,
    store: vault.rooms,
    request: deps.request,
    pinnedUser: (name) => pins.known().find((pin) => nameKey(pin.name) === nameKey(name))?.userId,
    nameOf: (userId) =>
      userId === selfId
        ? deps.selfName()
        : (book.get(userId)?.name ?? pins.known().find((pin) => pin.userId === userId)?.name),
    now,
    changed: deps.changed,
  });
  await rooms.load();
  const sessions = createSessions({
    keys: vault.identity,
    store: vault.sessions,
    now,
    claimBundle: deps.claimBundle,
  });
  const profiles = createUserProfiles({
    store: vault.profiles,
    selfId,
    decodeImage: deps.decodeImage,
    request: deps.profileRequest,
    audience: () =>
      book
        .list()
        .flatMap((contact) => (['accepted', 'outgoing'].includes(contact.state) ? [contact.userId] : [])),
    takesKeyFrom: (userId) => ['contact', 'request'].includes(book.admits(userId)),
    send: mailContent,
    changed: deps.changed,
  });
  await profiles.load();
  const conversations = createConversations(vault.history);
  const delivery = createDelivery({
    ...deps.transport,
    outbox: vault.outbox,
    now,
    seal: (peerId, content) => sessions.seal(peerId, encodeContent(content)),
    onProgress(peerId, content, progress) {
      void deps.log.advance(conversations, content.room ?? peerId, content.id, 'out', (known) =>
        'via' in progress
          ? { ...withStatus('sent')(known), via: progress.via }
          : {
              ...known,
              status: STATUS_RANK[known.status] > 0 ? known.status : 'failed',
              error: progress.error,
            },
      );
    },
  });
  async function tell(userId: UserId, content: Content): Promise<void> {
    if (await mailContent(userId, content)) return;
    if (!deps.transport.linkOpen(userId))
      throw new EngineError(ErrorCode.Unauthenticated, 'Not connected: try again when online');
    const sealed = await sessions.seal(userId, encodeContent(content));
    await deps.transport.sendDirect(userId, sealedFrame(randomId(), sealed));
  }
  return {
    tell,
    vault,
    keys: vault.identity,
    selfId,
    pins,
    book,
    conversations,
    sessions,
    delivery,
    rooms,
    profiles,
    settings: settings ?? null,
  };
}
