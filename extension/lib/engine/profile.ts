import type { UserId } from '../../../shared/ids';
import { nameKey } from '../../../shared/names';
import { userIdOfKeys, type IdentityKeys } from '../crypto/identity';
import type { Settings } from '../settings';
import type { UnlockedVault } from '../storage/vault-storage';
import { createKeyPins, type KeyPins } from './contacts';
import { encodeContent } from './content';
import { createConversations, type Conversations } from './conversations';
import { createDelivery, type Delivery, type DeliveryDeps } from './delivery';
import { STATUS_RANK, withStatus, type MessageLog } from './message-log';
import { createRoomMembership, type RoomMembership, type RoomMembershipDeps } from './room-membership';
import { createSessions, type Sessions, type SessionsDeps } from './sessions';

/** What the passphrase opens; dropped (and with it every key) when the engine locks. */
export interface Profile {
  readonly vault: UnlockedVault;
  readonly keys: IdentityKeys;
  /** Derived from keys (SHA-512): computed once, not at every state push. */
  readonly selfId: UserId;
  readonly pins: KeyPins;
  readonly conversations: Conversations;
  readonly sessions: Sessions;
  readonly delivery: Delivery;
  /** Rooms this profile is in or invited to, as their signed logs prove (kept in the vault). */
  readonly rooms: RoomMembership;
  settings: Settings | null;
}

export interface ProfileDeps {
  readonly now: () => number;
  /** A request to the server that must succeed now (the rooms' requests). */
  readonly request: RoomMembershipDeps['request'];
  /** Asks the server for a contact's prekey bundle. */
  readonly claimBundle: SessionsDeps['claimBundle'];
  /** The name the server lists for an online user. */
  readonly onlineName: (userId: UserId) => string | undefined;
  /** The name chosen in the settings of the profile open now. */
  readonly selfName: () => string | undefined;
  /** Something the pages show changed (the rooms). */
  readonly changed: () => void;
  /** How the outbox reaches contacts: the server connection's part of DeliveryDeps. */
  readonly transport: Pick<DeliveryDeps, 'linkOpen' | 'peerOnline' | 'connect' | 'sendDirect' | 'sendMail'>;
  readonly log: MessageLog;
}

/** Builds a profile's working state from its opened vault: pins, rooms (checked again), sessions and outbox. */
export async function openProfile(vault: UnlockedVault, deps: ProfileDeps): Promise<Profile> {
  const { now } = deps;
  const [settings, pinned] = await Promise.all([vault.settings.load(), vault.contacts.all()]);
  const selfId = userIdOfKeys(vault.identity);
  const pins = createKeyPins(vault.contacts, pinned);
  const rooms = createRoomMembership({
    keys: vault.identity,
    selfId,
    store: vault.rooms,
    request: deps.request,
    pinnedUser: (name) => pins.known().find((pin) => nameKey(pin.name) === nameKey(name))?.userId,
    nameOf: (userId) =>
      userId === selfId
        ? deps.selfName()
        : (deps.onlineName(userId) ?? pins.known().find((pin) => pin.userId === userId)?.name),
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
  return {
    vault,
    keys: vault.identity,
    selfId,
    pins,
    conversations,
    sessions,
    delivery,
    rooms,
    settings: settings ?? null,
  };
}
