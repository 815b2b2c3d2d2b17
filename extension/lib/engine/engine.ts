import { decodeBytes, encodeBytes } from '../../../shared/crypto/identity';
import { safetyNumber } from '../../../shared/crypto/safety-number';
import { ErrorCode, type Result } from '../../../shared/errors';
import { randomId, type UserId } from '../../../shared/ids';
import { nameKey } from '../../../shared/names';
import { MAX_RECEIPT_IDS } from '../../../shared/limits';
import {
  CONTENT_VERSION,
  ContentSchema,
  type ChatContent,
  type Content,
  type ReceiptContent,
} from '../../../shared/protocol/content';
import type { SealedMessage } from '../../../shared/protocol/envelope';
import type { MailItem } from '../../../shared/protocol/mailbox';
import { PeerFrameSchema } from '../../../shared/protocol/peer';
import type { RoomId } from '../../../shared/protocol/rooms';
import type { RequestPayload, ResponseMap, SessionStarted, User } from '../../../shared/protocol/socket';
import { parse } from '../../../shared/validate';
import type {
  ChatMessage,
  Contact,
  ConversationId,
  RoomView,
  ConnectionStatus,
  EngineEvents,
  EngineMethod,
  EngineParams,
  EngineResponses,
  EngineState,
  LinkStatus,
  MessagePath,
  MessageStatus,
  VaultStatus,
} from '../messaging/protocol';
import { ServerUrlSchema, type Settings } from '../settings';
import { publicIdentity, signSessionChallenge, userIdOfKeys, type IdentityKeys } from '../crypto/identity';
import type { UnlockedVault, VaultStorage } from '../storage/vault-storage';
import type { CreateMesh, PeerMesh } from '../transport/peers';
import type { ConnectSignaling, SignalingConnection } from '../transport/signaling';
import { decryptBackup, encryptBackup } from '../vault/backup';
import { DEFAULT_KDF, type KdfParams } from '../vault/kdf';
import { createKeyPins, type KeyPins } from './contacts';
import { createConversations, type Conversations } from './conversations';
import { createDelivery, sealedFrame, type Delivery } from './delivery';
import { EngineError } from './errors';
import { createKeyedQueue } from './queue';
import { createRoomMembership, type RoomEvent, type RoomMembership } from './room-membership';
import { createSessions, type Sessions } from './sessions';

export type EngineApi = { [M in EngineMethod]: (params: EngineParams<M>) => Promise<EngineResponses[M]> };

export type EngineListener = <E extends keyof EngineEvents>(name: E, data: EngineEvents[E]) => void;

export interface Engine extends EngineApi {
  /** Finds out whether a passphrase is set; nothing else is readable before it is given. */
  start(): Promise<void>;
  subscribe(listener: EngineListener): () => void;
}

/** What the passphrase opens; dropped (and with it every key) when the engine locks. */
interface Unlocked {
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

export interface EngineDeps {
  readonly storage: VaultStorage;
  /** Shows the number of unread messages outside the popup (the toolbar badge). */
  readonly showUnread: (count: number) => void;
  readonly connectSignaling: ConnectSignaling;
  readonly createMesh: CreateMesh;
  /** The KDF cost for backups (tests lower it). */
  readonly backupKdf?: KdfParams;
  readonly now?: () => number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** How far each status is along; a message's status only moves forward (a late `sent` never undoes `read`). */
const STATUS_RANK: Record<MessageStatus, number> = { failed: 0, sending: 0, sent: 1, delivered: 2, read: 3 };

const sealContent = (content: Content): Uint8Array => encoder.encode(JSON.stringify(content));

/** What an outgoing message carries; a room message (one awaiting members) names its room. */
const contentOf = (message: ChatMessage): ChatContent => ({
  v: CONTENT_VERSION,
  kind: 'chat',
  id: message.id,
  text: message.text,
  sentAt: message.sentAt,
  ...(message.awaiting ? { room: message.peerId } : {}),
});

/** How long a delivered receipt waits for others to the same sender, in ms (well under the sender's patience). */
const RECEIPT_DELAY_MS = 50;

/** Least time between two requests to one contact to start a session over, in ms. */
const RESET_INTERVAL_MS = 10_000;

/** Runs one step of a teardown; its failure is logged and the teardown goes on. */
function tryTo(step: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    console.warn(`engine: could not ${step}; going on`, error);
  }
}

/**
 * The long-lived core: one per browser profile, hosted by the offscreen document (Chrome)
 * or the background page (Firefox). UI pages reach it only through EngineApi.
 */
export function createEngine({
  storage,
  showUnread,
  connectSignaling,
  createMesh,
  backupKdf = DEFAULT_KDF,
  now = Date.now,
}: EngineDeps): Engine {
  const listeners = new Set<EngineListener>();
  const online = new Map<UserId, User>();
  const links = new Map<UserId, LinkStatus>();
  const startedAt = now();
  const keyChanged = new Set<UserId>();
  const unread = new Map<ConversationId, number>();
  /** Contacts whose conversation (or a room of theirs) a page opened: linked to as soon as they are online. */
  const wanted = new Set<UserId>();
  const inbound = createKeyedQueue();
  /** Delivered receipts waiting to go, by sender, path and room (see receiptSoon). */
  const pendingReceipts = new Map<string, string[]>();
  /** When each contact was last asked to start over (see requestReset). */
  const resetAt = new Map<UserId, number>();
  let vaultStatus: Exclude<VaultStatus, 'unlocked'> | undefined;
  let unlocked: Unlocked | undefined;
  let connection: { status: ConnectionStatus; error?: string } = { status: 'unconfigured' };
  let signaling: SignalingConnection | undefined;
  let mesh: PeerMesh | undefined;
  let connectionsBefore = 0; // RTCPeerConnections created by meshes already torn down
  /** STUN/TURN servers the signal server offers (none by default: no third party learns who talks to whom). */
  let iceServers: RTCIceServer[] = [];
  let autoLock: ReturnType<typeof setTimeout> | undefined;
  let lastSeq = 0;
  /** Increasing, and time-based so it keeps increasing across restarts: the outbox's order. */
  const nextSeq = (): number => (lastSeq = Math.max(lastSeq + 1, now() * 1000));
  let starting: Promise<void> | undefined;

  const emit: EngineListener = (name, data) => {
    for (const listener of listeners) listener(name, data);
  };
  const state = (): EngineState => {
    return {
      vault: unlocked ? 'unlocked' : (vaultStatus ?? 'locked'),
      settings: unlocked?.settings ? { ...unlocked.settings, userId: unlocked.selfId } : null,
      connection,
      contacts: contactList(),
      links: Object.fromEntries(links),
      keyChanged: [...keyChanged],
      unread: Object.fromEntries(unread),
      rooms: roomList(),
    };
  };
  function roomList(): RoomView[] {
    if (!unlocked) return [];
    const selfId = unlocked.selfId;
    return unlocked.rooms.views((userId) =>
      userId === selfId ? connection.status === 'online' : online.has(userId),
    );
  }
  const setUnread = (peerId: ConversationId, count: number): void => {
    if (count === 0 && !unread.has(peerId)) return;
    if (count === 0) unread.delete(peerId);
    else unread.set(peerId, count);
    showUnread([...unread.values()].reduce((sum, n) => sum + n, 0));
    publish();
  };
  const publish = (): void => emit('state', state());
  const setConnection = (status: ConnectionStatus, error?: string): void => {
    connection = error === undefined ? { status } : { status, error };
    publish();
  };
  function contactList(): Contact[] {
    const known = new Map<UserId, string>(
      (unlocked?.pins.known() ?? []).map((pin) => [pin.userId, pin.name]),
    );
    for (const user of online.values()) known.set(user.userId, user.name);
    return [...known]
      .map(([userId, name]) => ({ userId, name, online: online.has(userId) }))
      .sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
  }

  /** The opened vault, or a clear `locked` error; any request also counts as activity for the auto-lock. */
  function open(): Unlocked {
    if (!unlocked) throw new EngineError(ErrorCode.Locked, 'The messenger is locked: enter your passphrase');
    armAutoLock(unlocked.settings);
    return unlocked;
  }
  function armAutoLock(settings: Settings | null): void {
    clearTimeout(autoLock);
    const minutes = settings?.autoLockMinutes ?? 0;
    if (minutes > 0) autoLock = setTimeout(lockNow, minutes * 60_000);
  }
  function lockNow(): void {
    clearTimeout(autoLock);
    // The keys go first: whatever fails while closing connections below, the vault is locked.
    const opened = unlocked;
    unlocked = undefined;
    vaultStatus = 'locked';
    connection = { status: 'unconfigured' };
    forgetProfile(opened);
    publish();
  }
  /**
   * Drops the connections and the per-profile state of the vault opened so far (on lock, unlock, restore).
   * Never throws: a transport that fails to close (a hostile peer may have broken it) must not stop a lock.
   */
  function forgetProfile(opened: Unlocked | undefined = unlocked): void {
    tryTo('stop the outbox', () => opened?.delivery.stop());
    goOffline();
    keyChanged.clear();
    wanted.clear();
    if (unread.size > 0) showUnread(0); // the badge showed this profile's count
    unread.clear();
  }

  /** Compares an online user's key with the one pinned under their name (pinning it if new). */
  const observe = (user: User): void => {
    void unlocked?.pins.observe(user).then((changed) => {
      if (changed) keyChanged.add(user.userId);
      else keyChanged.delete(user.userId);
      if (!changed && wanted.has(user.userId)) mesh?.connect(user.userId);
      publish();
    });
  };
  /** A verified channel to a contact the server still lists: one the server says left is likely dead. */
  const linkOpen = (peerId: UserId): boolean => links.get(peerId) === 'open' && online.has(peerId);
  /** Hands a sealed message to the server's mailbox; undefined while there is no session with the server. */
  const mailTo = (to: UserId, id: string, message: SealedMessage) =>
    signaling && connection.status === 'online'
      ? signaling.request('mail:send', { to, id, message })
      : undefined;
  /** Who a conversation's messages go to: the contact, or the room's other members. */
  const recipients = (opened: Unlocked, conversation: ConversationId): UserId[] => {
    // Only members the room's signed log proves: a member the server made up gets nothing.
    return opened.rooms.has(conversation) ? opened.rooms.recipients(conversation) : [conversation];
  };
  /** A request to the server that must succeed now: its error becomes the page's error. */
  async function serverRequest<E extends RoomEvent>(
    event: E,
    payload: RequestPayload<E>,
  ): Promise<ResponseMap[E]> {
    if (!signaling || connection.status !== 'online')
      throw new EngineError(ErrorCode.Unauthenticated, 'Not connected to the server: try again when online');
    const result = await signaling.request(event, payload);
    if (!result.ok) throw new EngineError(result.error.code, result.error.message);
    return result.data;
  }
  const onlineUser = (peerId: UserId): User => {
    const user = online.get(peerId);
    if (!user) throw new EngineError(ErrorCode.InvalidPayload, 'This contact is not online now');
    return user;
  };
  /** Stores a new message and tells the pages; false for a duplicate. */
  const record = async (opened: Unlocked, message: ChatMessage): Promise<boolean> => {
    if (!(await opened.conversations.add(message))) return false;
    emit('message', message);
    return true;
  };
  /** Moves a known message forward (status, path, error) and tells the pages; never backwards. */
  const advance = async (
    opened: Unlocked,
    peerId: ConversationId,
    id: string,
    direction: ChatMessage['direction'],
    change: (known: ChatMessage) => ChatMessage | undefined,
  ): Promise<void> => {
    const known = await opened.conversations.get(peerId, id);
    if (known?.direction !== direction) return;
    const next = change(known);
    if (!next || STATUS_RANK[next.status] < STATUS_RANK[known.status]) return;
    if (await opened.conversations.update(next)) emit('message', next);
  };
  /** The message with a new status, and without the error of a failed attempt. */
  const withStatus =
    (status: MessageStatus) =>
    (known: ChatMessage): ChatMessage => {
      const next: { -readonly [K in keyof ChatMessage]: ChatMessage[K] } = { ...known, status };
      delete next.error;
      return next;
    };

  /**
   * Sends a receipt, best effort: over the data channel if `via` is direct and one is open, else through the
   * mailbox. A `delivered` receipt goes back the way the message came (a channel the sender gave up on may be
   * dead). A lost one is made good when the sender sends the message again: a duplicate is receipted again.
   */
  async function sendReceipt(
    opened: Unlocked,
    peerId: UserId,
    status: ReceiptContent['status'],
    ids: readonly string[],
    via: MessagePath,
    room?: RoomId,
  ): Promise<void> {
    for (let start = 0; start < ids.length; start += MAX_RECEIPT_IDS) {
      const chunk = ids.slice(start, start + MAX_RECEIPT_IDS);
      const content: ReceiptContent = {
        v: CONTENT_VERSION,
        kind: 'receipt',
        status,
        ids: chunk,
        ...(room ? { room } : {}),
      };
      await sendControl(opened, peerId, content, via);
    }
  }

  /**
   * Queues a `delivered` receipt, sent RECEIPT_DELAY_MS later with whatever else arrived from that sender by the
   * same path meanwhile: one seal and one frame for a burst (a mailbox batch), and none in the way of a reply.
   */
  function receiptSoon(opened: Unlocked, peerId: UserId, id: string, via: MessagePath, room?: RoomId): void {
    const key = `${peerId}/${via}/${room ?? ''}`;
    const pending = pendingReceipts.get(key);
    if (pending) {
      pending.push(id);
      return;
    }
    pendingReceipts.set(key, [id]);
    setTimeout(() => {
      const ids = pendingReceipts.get(key) ?? [];
      pendingReceipts.delete(key);
      if (unlocked === opened) void sendReceipt(opened, peerId, 'delivered', ids, via, room);
    }, RECEIPT_DELAY_MS);
  }

  /** Seals and sends a receipt or reset once, best effort (nothing waits on it in the outbox). */
  async function sendControl(
    opened: Unlocked,
    peerId: UserId,
    content: Content,
    via: MessagePath,
  ): Promise<void> {
    const id = randomId();
    try {
      const message = await opened.sessions.seal(peerId, sealContent(content));
      if (via === 'direct' && linkOpen(peerId) && mesh) {
        await mesh.send(peerId, sealedFrame(id, message));
      } else {
        const sent = await mailTo(peerId, id, message);
        if (sent && !sent.ok) throw new Error(sent.error.message);
      }
    } catch (error) {
      console.warn(`engine: could not send a ${content.kind} to ${peerId}: ${String(error)}`);
    }
  }

  /**
   * A message from `peerId` needed session state this profile no longer has (restored from a backup, say): ask
   * them, on a new session, to send again. At most once per RESET_INTERVAL_MS per contact, so replayed
   * messages cannot make us flood anyone.
   */
  function requestReset(opened: Unlocked, peerId: UserId, id: string, via: MessagePath): void {
    const last = resetAt.get(peerId) ?? -Infinity;
    if (now() - last < RESET_INTERVAL_MS) return;
    resetAt.set(peerId, now());
    void sendControl(opened, peerId, { v: CONTENT_VERSION, kind: 'reset', ids: [id] }, via);
  }

  /** A receipt from `peerId`: their copies leave the outbox; a room message counts who has it. */
  async function takeReceipt(opened: Unlocked, peerId: UserId, receipt: ReceiptContent): Promise<void> {
    await opened.delivery.confirm(peerId, receipt.ids); // a read receipt also says the messages arrived
    for (const id of receipt.ids) {
      await advance(opened, receipt.room ?? peerId, id, 'out', (known) => {
        if (!receipt.room) return withStatus(receipt.status)(known);
        const awaiting = known.awaiting ?? { delivered: [], read: [] };
        const next = {
          delivered: awaiting.delivered.filter((member) => member !== peerId),
          read:
            receipt.status === 'read' ? awaiting.read.filter((member) => member !== peerId) : awaiting.read,
        };
        const status =
          next.read.length === 0 ? 'read' : next.delivered.length === 0 ? 'delivered' : known.status;
        return { ...withStatus(status)(known), awaiting: next };
      });
    }
  }

  /** Marks what a page has shown as read, and tells the senders. */
  async function readConversation(opened: Unlocked, conversation: ConversationId): Promise<void> {
    const shown = (await opened.conversations.list(conversation)).filter(
      (message) => message.direction === 'in' && message.status !== 'read',
    );
    if (shown.length === 0) return;
    for (const message of shown) await advance(opened, conversation, message.id, 'in', withStatus('read'));
    if (opened.settings?.sendReadReceipts === false) return; // read here, but the senders are not told
    const room = opened.rooms.has(conversation) ? conversation : undefined;
    const bySender = new Map<UserId, string[]>();
    for (const message of shown) {
      const sender = message.from ?? message.peerId;
      bySender.set(sender, [...(bySender.get(sender) ?? []), message.id]);
    }
    for (const [sender, ids] of bySender) await sendReceipt(opened, sender, 'read', ids, 'direct', room);
  }

  /** Proves the identity key to the server: sign its fresh challenge, then start the session. */
  async function startSession(
    connection: SignalingConnection,
    current: Settings,
    identity: IdentityKeys,
  ): Promise<Result<SessionStarted>> {
    const challenge = await connection.request('session:challenge', {});
    if (!challenge.ok) return challenge;
    // The server this connection went to, named in the signature: no other server can pass the answer on.
    const origin = new URL(current.serverUrl).origin;
    return connection.request('session:start', {
      identity: publicIdentity(identity),
      origin,
      name: current.name,
      challenge: challenge.data.challenge,
      signature: signSessionChallenge(identity, {
        origin,
        challenge: decodeBytes(challenge.data.challenge),
        name: current.name,
      }),
    });
  }

  function goOnline(current: Settings, opened: Unlocked): void {
    goOffline();
    // Settings saved before https was required may name a plain http server elsewhere: never connect to it.
    const url = parse(ServerUrlSchema, current.serverUrl);
    if (!url.ok) return setConnection('offline', `The server URL in Settings ${url.message}`);
    setConnection('connecting');
    const activeMesh = createMesh({
      serverUrl: current.serverUrl,
      identity: opened.keys,
      iceServers: () => iceServers,
      onFrame: (peerId, data) => void receiveFrame(peerId, data),
      onLinkChange(peerId, status) {
        if (status === 'closed') links.delete(peerId);
        else links.set(peerId, status);
        // A new channel carries what waits; a lost one leaves it to the server.
        opened.delivery.kick(peerId);
        publish();
      },
      onSignalingLost() {
        void activeSignaling.request('peer:ticket', {}).then((result) => {
          if (result.ok && mesh === activeMesh) activeMesh.resume(result.data);
        });
      },
    });
    const activeSignaling = connectSignaling(current.serverUrl, {
      onConnected() {
        void startSession(activeSignaling, current, opened.keys).then((result) => {
          if (signaling !== activeSignaling) return;
          if (!result.ok) {
            setConnection('offline', result.error.message);
            return;
          }
          online.clear();
          for (const user of result.data.online) {
            online.set(user.userId, user);
            observe(user);
          }
          setConnection('online');
          activeMesh.resume(result.data.peer);
          void activeSignaling.request('ice:servers', {}).then((ice) => {
            if (ice.ok && signaling === activeSignaling) iceServers = ice.data.iceServers;
          });
          publishPrekeys();
          // Rooms first: mail may hold room messages, accepted only from members.
          syncRooms(opened, activeSignaling)
            .then(() => fetchMail(activeSignaling))
            .catch((error: unknown) => console.warn('engine: could not fetch rooms or mail', error))
            .finally(() => opened.delivery.kick());
        });
      },
      onDisconnected(reason) {
        if (signaling !== activeSignaling) return;
        online.clear();
        setConnection('connecting', `Connection to the server lost (${reason}); retrying`);
      },
      onPresenceOnline(user) {
        online.set(user.userId, user);
        observe(user);
        opened.delivery.peerReturned(user.userId);
        publish();
      },
      onMail(item) {
        void receiveMail([item]);
      },
      onRoomUpdated(room) {
        void opened.rooms.take(room);
      },
      onRoomRemoved(roomId) {
        void opened.rooms.forget(roomId);
      },
      onPrekeysLow() {
        // publishPrekeys() asks the server how many it holds and tops up only below the low water mark.
        publishPrekeys();
      },
      onPresenceOffline(userId) {
        online.delete(userId);
        // Their engine left the server (locked, closed, restarted): a channel the browser still calls open would
        // only be found dead by the heartbeat, and would stand in the way of the new one they dial when back.
        activeMesh.disconnect(userId);
        publish();
      },
    });
    mesh = activeMesh;

    /** Publishes the signed prekey, and one-time prekeys if the server holds few: at sign-in, and when told. */
    function publishPrekeys(): void {
      opened.sessions
        .publishPrekeys((request) => activeSignaling.request('prekeys:publish', request))
        .catch((error: unknown) => console.warn('engine: could not publish prekeys', error));
    }
    signaling = activeSignaling;
  }

  /** Forgets the server and peer connections first, then closes them; a close that throws is logged, not raised. */
  function goOffline(): void {
    const [closing, destroying] = [signaling, mesh];
    signaling = undefined;
    mesh = undefined;
    if (destroying) connectionsBefore += destroying.connectionsCreated;
    online.clear();
    links.clear();
    tryTo('close the server connection', () => closing?.close());
    tryTo('close the peer connections', () => destroying?.destroy());
  }

  /** A frame from a verified data channel. */
  function receiveFrame(peerId: UserId, data: unknown): Promise<void> {
    const frame = parse(PeerFrameSchema, data);
    if (!frame.ok) {
      console.warn(`engine: dropped a frame from ${peerId}: ${frame.message}`);
      return Promise.resolve();
    }
    return receiveSealed(peerId, frame.value.id, frame.value.message, 'direct');
  }

  /** Mail from the server: each message stored (or dropped as a duplicate or undecryptable), then acknowledged. */
  async function receiveMail(items: readonly MailItem[]): Promise<void> {
    const [opened, activeSignaling] = [unlocked, signaling];
    if (!opened || !activeSignaling || items.length === 0) return;
    for (const item of items) await receiveSealed(item.from, item.id, item.message, 'server');
    if (unlocked !== opened) return; // locked meanwhile: the server keeps them until the next unlock
    const acked = await activeSignaling.request('mail:ack', { mailIds: items.map((item) => item.mailId) });
    if (!acked.ok)
      console.warn(`engine: the server did not take the mail acknowledgement: ${acked.error.message}`);
  }

  /** Fetches everything the mailbox holds for us, oldest first. */
  async function fetchMail(activeSignaling: SignalingConnection): Promise<void> {
    for (;;) {
      const batch = await activeSignaling.request('mail:fetch', {});
      if (!batch.ok || signaling !== activeSignaling) return;
      await receiveMail(batch.data.items);
      if (!batch.data.more || batch.data.items.length === 0) return;
    }
  }

  /**
   * Decrypts and records a sealed message, one at a time per contact (the ratchet is ordered). A copy of a message
   * already stored (it can come both directly and through the server) is not decrypted again, only receipted.
   */
  function receiveSealed(peerId: UserId, id: string, sealed: SealedMessage, via: MessagePath): Promise<void> {
    return inbound.run(peerId, async () => {
      const opened = unlocked;
      if (!opened) {
        console.warn(`engine: dropped a message from ${peerId}: locked`);
        return;
      }
      const known = await knownMessage(opened, peerId, id);
      if (known) {
        const room = known.from ? known.peerId : undefined;
        if (known.direction === 'in') receiptSoon(opened, peerId, id, via, room);
        return;
      }
      let plaintext: Uint8Array;
      try {
        plaintext = await opened.sessions.open(peerId, sealed);
      } catch (error) {
        // No session for it, or not the state it was sealed for (a restored profile, or a replay): start over.
        console.warn(`engine: could not decrypt a message from ${peerId}: ${String(error)}`);
        requestReset(opened, peerId, id, via);
        return;
      }
      let content: Content;
      try {
        const parsed = parse(ContentSchema, JSON.parse(decoder.decode(plaintext)));
        if (!parsed.ok) throw new Error(parsed.message);
        content = parsed.value;
      } catch (error) {
        console.warn(`engine: dropped a message from ${peerId} with invalid content: ${String(error)}`);
        return;
      }
      if (content.kind === 'receipt') {
        await takeReceipt(opened, peerId, content);
        return;
      }
      if (content.kind === 'reset') {
        // The contact lost our session: everything not confirmed goes again, sealed on the one they just began.
        opened.delivery.resend(peerId);
        return;
      }
      if (content.id !== id) {
        console.warn(`engine: dropped a message from ${peerId}: its id differs from the one outside`);
        return;
      }
      if (content.room && !(await isMember(opened, content.room, peerId))) {
        console.warn(`engine: dropped a room message from ${peerId}: not a member of that room`);
        return;
      }
      const conversation = content.room ?? peerId;
      const message: ChatMessage = {
        id: content.id,
        peerId: conversation,
        ...(content.room ? { from: peerId } : {}),
        direction: 'in',
        text: content.text,
        sentAt: content.sentAt,
        status: 'delivered',
        via,
      };
      if (!(await record(opened, message))) return;
      receiptSoon(opened, peerId, id, via, content.room);
      // Unread until a page shows it (openConversation, markRead).
      setUnread(conversation, (unread.get(conversation) ?? 0) + 1);
    });
  }

  /**
   * A message from `peerId` with this id that is already stored: in their conversation, or in a room of theirs.
   * Ids are random (128 bits), so a hit is a copy of the same message.
   */
  async function knownMessage(
    opened: Unlocked,
    peerId: UserId,
    id: string,
  ): Promise<ChatMessage | undefined> {
    const direct = await opened.conversations.get(peerId, id);
    if (direct) return direct;
    for (const roomId of opened.rooms.roomsWith(peerId)) {
      const inRoom = await opened.conversations.get(roomId, id);
      if (inRoom?.from === peerId) return inRoom;
    }
    return undefined;
  }

  /** Whether `userId` is in the room; asks the server again once if our view may be stale (they just joined). */
  async function isMember(opened: Unlocked, roomId: RoomId, userId: UserId): Promise<boolean> {
    const member = (): boolean => opened.rooms.isMember(roomId, userId);
    if (member()) return true;
    if (signaling) await syncRooms(opened, signaling);
    return member();
  }

  /** The server's list of our rooms: each checked against its signed log (kept in the vault for offline use). */
  async function syncRooms(opened: Unlocked, activeSignaling: SignalingConnection): Promise<void> {
    const listed = await activeSignaling.request('room:list', {});
    if (listed.ok) await opened.rooms.sync(listed.data.rooms);
  }

  /** Builds the engine's working state from an opened vault and goes online if a name was chosen. */
  async function enter(vault: UnlockedVault): Promise<Unlocked> {
    const [settings, pinned] = await Promise.all([vault.settings.load(), vault.contacts.all()]);
    const selfId = userIdOfKeys(vault.identity);
    const pins = createKeyPins(vault.contacts, pinned);
    const rooms = createRoomMembership({
      keys: vault.identity,
      selfId,
      store: vault.rooms,
      request: serverRequest,
      pinnedUser: (name) => pins.known().find((pin) => nameKey(pin.name) === nameKey(name))?.userId,
      nameOf: (userId) =>
        userId === selfId
          ? unlocked?.settings?.name
          : (online.get(userId)?.name ?? pins.known().find((pin) => pin.userId === userId)?.name),
      now,
      changed: () => publish(),
    });
    await rooms.load();
    const sessions = createSessions({
      keys: vault.identity,
      store: vault.sessions,
      now,
      claimBundle: async (peerId) => {
        if (!signaling) throw new EngineError(ErrorCode.Unauthenticated, 'Not connected to the server');
        const bundle = await signaling.request('prekeys:claim', { userId: peerId });
        if (!bundle.ok) throw new EngineError(bundle.error.code, bundle.error.message);
        return bundle.data;
      },
    });
    const opened: Unlocked = {
      vault,
      keys: vault.identity,
      selfId,
      pins,
      conversations: createConversations(vault.history),
      sessions,
      delivery: createDelivery({
        outbox: vault.outbox,
        now,
        seal: (peerId, content) => sessions.seal(peerId, sealContent(content)),
        linkOpen,
        peerOnline: (peerId) => online.has(peerId),
        connect(peerId) {
          // No connection to someone presenting a changed key until the user has looked at it.
          if (!keyChanged.has(peerId)) mesh?.connect(peerId);
        },
        async sendDirect(peerId, frame) {
          if (!mesh) throw new Error('offline');
          await mesh.send(peerId, frame);
        },
        sendMail: mailTo,
        onProgress(peerId, content, progress) {
          void advance(opened, content.room ?? peerId, content.id, 'out', (known) =>
            'via' in progress
              ? { ...withStatus('sent')(known), via: progress.via }
              : {
                  ...known,
                  status: STATUS_RANK[known.status] > 0 ? known.status : 'failed',
                  error: progress.error,
                },
          );
        },
      }),
      rooms,
      settings: settings ?? null,
    };
    forgetProfile();
    unlocked = opened;
    void opened.delivery
      .load()
      .catch((error: unknown) => console.warn('engine: could not load the outbox', error));
    armAutoLock(opened.settings);
    if (opened.settings) goOnline(opened.settings, opened);
    else setConnection('unconfigured');
    publish();
    return opened;
  }

  const ready = (): Promise<void> =>
    (starting ??= storage.status().then((status) => {
      vaultStatus = status;
    }));

  const engine: Engine = {
    start: ready,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async getState() {
      await ready();
      return state();
    },
    async setUp({ passphrase, ...settings }) {
      await ready();
      if (vaultStatus !== 'new' || unlocked)
        throw new EngineError(ErrorCode.InvalidPayload, 'A passphrase is already set');
      const opened = await enter(await storage.create(passphrase));
      vaultStatus = 'locked';
      await opened.vault.settings.save(settings);
      opened.settings = settings;
      armAutoLock(settings);
      goOnline(settings, opened);
      return state();
    },
    async unlock({ passphrase }) {
      await ready();
      if (vaultStatus === 'new')
        throw new EngineError(ErrorCode.InvalidPayload, 'No passphrase is set yet: set one up first');
      if (!unlocked) await enter(await storage.unlock(passphrase));
      return state();
    },
    async lock() {
      await ready();
      if (unlocked) lockNow();
      return state();
    },
    async exportBackup({ passphrase }) {
      const { vault, settings } = open();
      const backup = await encryptBackup(await vault.exportContent(), passphrase, backupKdf);
      const day = new Date(now()).toISOString().slice(0, 10);
      return { fileName: `messenger-backup-${settings?.name ?? 'profile'}-${day}.json`, backup };
    },
    async importBackup({ passphrase, backup }) {
      const { vault } = open();
      // Decrypted and validated in full before anything is written: a wrong passphrase changes nothing.
      const content = await decryptBackup(backup, passphrase);
      const restored = await enter(await vault.restore(content));
      // The outbox is not in a backup: whatever no recipient had confirmed goes again from here (receivers and the
      // mailbox drop what they already have).
      for (const message of content.messages) {
        if (message.direction !== 'out' || STATUS_RANK[message.status] >= STATUS_RANK.delivered) continue;
        const to = message.awaiting?.delivered ?? [message.peerId];
        const seq = nextSeq();
        for (const userId of to) await restored.delivery.send(userId, contentOf(message), seq);
      }
      return state();
    },
    async saveSettings(input) {
      const opened = open();
      await opened.vault.settings.save(input);
      const previous = opened.settings;
      opened.settings = input;
      armAutoLock(input);
      const changed = input.name !== previous?.name || input.serverUrl !== previous.serverUrl;
      if (changed || connection.status !== 'online') goOnline(input, opened);
      else publish();
      return state();
    },
    async openConversation({ peerId }) {
      const opened = open();
      // A room's members, or the one contact: linked to now if online, else as soon as they are.
      for (const userId of recipients(opened, peerId)) {
        wanted.add(userId);
        // No connection to someone presenting a changed key until the user has looked at it.
        if (online.has(userId) && !keyChanged.has(userId)) mesh?.connect(userId);
      }
      setUnread(peerId, 0);
      const messages = await opened.conversations.list(peerId);
      void readConversation(opened, peerId);
      return messages;
    },
    async sendText({ peerId, text }) {
      const opened = open();
      if (!opened.settings) throw new EngineError(ErrorCode.Unauthenticated, 'Choose a name first');
      const room = opened.rooms.has(peerId);
      if (room && !opened.rooms.joined(peerId))
        throw new EngineError(ErrorCode.InvalidPayload, 'Join the room before writing in it');
      const to = recipients(opened, peerId);
      const changed = to.filter((userId) => keyChanged.has(userId));
      if (changed.length > 0) {
        throw new EngineError(
          ErrorCode.KeyChanged,
          'A safety number has changed. Compare it, then accept the new key before sending',
        );
      }
      const message: ChatMessage = {
        id: randomId(),
        peerId,
        direction: 'out',
        text,
        sentAt: now(),
        status: 'sending',
        ...(room ? { awaiting: { delivered: to, read: to } } : {}),
      };
      const content = contentOf(message);
      // In the history and the outbox before anything leaves: from here on, nothing can lose it. A room message
      // is sealed for each member on their own session (pairwise fan-out).
      const seq = nextSeq();
      await Promise.all([
        record(opened, message),
        ...to.map((userId) => opened.delivery.send(userId, content, seq)),
      ]);
      return message;
    },
    async createRoom({ name }) {
      await open().rooms.create(name);
      return state();
    },
    async inviteToRoom({ roomId, name }) {
      await open().rooms.invite(roomId, name);
      return state();
    },
    async joinRoom(request) {
      await open().rooms.join('code' in request ? request.code : request);
      return state();
    },
    async leaveRoom({ roomId }) {
      await open().rooms.leave(roomId);
      return state();
    },
    async makeInviteCode({ roomId }) {
      await open().rooms.makeCode(roomId);
      return state();
    },
    async getSafetyNumber({ peerId }) {
      const { keys, selfId } = open();
      const self = { userId: selfId, signingKey: encodeBytes(keys.signing.publicKey) };
      return { digits: safetyNumber(self, onlineUser(peerId)) };
    },
    async acceptKey({ peerId }) {
      const { pins } = open();
      await pins.accept(onlineUser(peerId));
      keyChanged.delete(peerId);
      mesh?.connect(peerId);
      publish();
      return state();
    },
    async markRead({ peerId }) {
      const opened = open();
      setUnread(peerId, 0);
      await readConversation(opened, peerId);
      return state();
    },
    async getDiagnostics() {
      return { peerConnectionsCreated: connectionsBefore + (mesh?.connectionsCreated ?? 0), startedAt };
    },
  };
  return engine;
}
