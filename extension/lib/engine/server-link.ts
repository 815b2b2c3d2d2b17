import { decodeBytes } from '../../../shared/crypto/identity';
import { ErrorCode, type Result } from '../../../shared/errors';
import type { UserId } from '../../../shared/ids';
import type { SealedMessage } from '../../../shared/protocol/envelope';
import type { MediaFrame } from '../../../shared/protocol/call';
import type { MailAccepted, MailItem } from '../../../shared/protocol/mailbox';
import type { PeerFrame } from '../../../shared/protocol/peer';
import type { RequestPayload, ResponseMap, SessionStarted, User } from '../../../shared/protocol/socket';
import { parse } from '../../../shared/validate';
import { publicIdentity, signSessionChallenge, type IdentityKeys } from '../crypto/identity';
import type { EngineState } from '../messaging/protocol';
import type { ConnectionStatus, LinkStatus } from '../model';
import { ServerUrlSchema, type Settings } from '../settings';
import type { CreateMesh, PeerMesh } from '../transport/peers';
import type { ConnectSignaling, SignalingConnection } from '../transport/signaling';
import { EngineError } from '../errors';
import type { Profile } from './profile';
import type { PublicRoomEvent } from './public-rooms';
import type { RoomEvent } from './room-membership';
import { tryTo } from './teardown';

export interface ServerLinkDeps {
  readonly connectSignaling: ConnectSignaling;
  readonly createMesh: CreateMesh;
  /** The profile open now: whose key pins an online user is checked against. */
  readonly current: () => Profile | undefined;
  readonly connection: () => EngineState['connection'];
  /** The settings of the profile open now (whether it appears offline). */
  readonly settings: () => Settings | null | undefined;
  readonly setConnection: (status: ConnectionStatus, error?: string) => void;
  /** Something the pages show changed (presence, links). */
  readonly publish: () => void;
  readonly receiveFrame: (peerId: UserId, data: unknown) => Promise<void>;
  readonly receiveMail: (items: readonly MailItem[]) => Promise<void>;
  readonly fetchMail: (signaling: SignalingConnection) => Promise<void>;
  /** A verified data channel to `peerId` opened (file transfers waiting for one resume). */
  readonly linkOpened: (peerId: UserId) => void;
  /** A call's media connection frame from `peerId` (calls/). */
  readonly receiveMediaFrame?: (peerId: UserId, frame: MediaFrame) => void;
}

/**
 * The connection to the signal server and the peer mesh, and what they tell: who is online, which data channels
 * are open, whose key changed, which STUN/TURN servers to use. One session per `goOnline`; `goOffline` drops it.
 */
export interface ServerLink {
  /** Drops any connection, then signs in to the server the settings name and opens the peer socket. */
  goOnline(current: Settings, opened: Profile): void;
  /** Forgets the server and peer connections first, then closes them; a close that throws is logged, not raised. */
  goOffline(): void;
  /** Forgets whom a closed profile wanted to reach. */
  forgetContacts(): void;
  /**
   * Presents the accepted contacts' presence tokens to the server again (contacts or "appear offline" changed);
   * contacts no longer accepted stop counting as online.
   */
  watchPresence(): void;
  signaling(): SignalingConnection | undefined;
  online(): ReadonlyMap<UserId, User>;
  links(): ReadonlyMap<UserId, LinkStatus>;
  /** A verified channel to a contact still online: one whose presence ended is likely dead. */
  linkOpen(peerId: UserId): boolean;
  /** linkOpen, with the peer connections up. */
  directOpen(peerId: UserId): boolean;
  /** Starts opening a data channel. */
  connect(peerId: UserId): void;
  /** A page opened a conversation with `userId`: linked to now if online, else as soon as they are. */
  want(userId: UserId): void;
  sendDirect(peerId: UserId, frame: PeerFrame): Promise<void>;
  /** A file's own data channel on the link to `peerId` (see PeerMesh.openFileChannel). */
  openFileChannel(peerId: UserId, stream: number): Promise<RTCDataChannel>;
  /** The STUN/TURN servers the signal server offers this session (a call's media connection uses them too). */
  iceServers(): RTCIceServer[];
  /** Sends a call's media connection frame over the peer socket; false if it is not open. */
  sendMediaFrame(peerId: UserId, frame: MediaFrame): boolean;
  /** Hands a sealed message to the server's mailbox; undefined while there is no session with the server. */
  mailTo(to: UserId, id: string, message: SealedMessage): Promise<Result<MailAccepted>> | undefined;
  /** A request to the server that must succeed now: its error becomes the page's error. */
  request<E extends ServerRequest>(event: E, payload: RequestPayload<E>): Promise<ResponseMap[E]>;
  /** A contact's prekey bundle, to start a session with them. */
  claimBundle(peerId: UserId): Promise<ResponseMap['prekeys:claim']>;
  /** The server's list of our rooms: each checked against its signed log (kept in the vault for offline use). */
  syncRooms(opened: Profile, signaling: SignalingConnection): Promise<void>;
  /** RTCPeerConnections created so far, by every mesh of this engine. */
  connectionsCreated(): number;
}

/** Requests the engine's parts make through `request` (rooms, contacts). */
export type ServerRequest =
  RoomEvent | PublicRoomEvent | 'user:lookup' | 'block:set' | 'profile:put' | 'profile:get';

/** Why a profile that released its name or deleted its account stays offline, and how to come back. */
export const SIGNED_OUT =
  'Signed out of this server: your name there was released or your account deleted. ' +
  'Choose a name in Settings (⚙) and save to sign in again';

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

export function createServerLink(deps: ServerLinkDeps): ServerLink {
  const online = new Map<UserId, User>();
  const links = new Map<UserId, LinkStatus>();
  /** Contacts whose conversation (or a room of theirs) a page opened: linked to as soon as they are online. */
  const wanted = new Set<UserId>();
  let signaling: SignalingConnection | undefined;
  let mesh: PeerMesh | undefined;
  let connectionsBefore = 0; // RTCPeerConnections created by meshes already torn down
  /** STUN/TURN servers the signal server offers (none by default: no third party learns who talks to whom). */
  let iceServers: RTCIceServer[] = [];

  const visible = (): boolean => deps.settings()?.appearOffline !== true;
  /** The accepted contact a presence token belongs to, as a user. */
  const userOfToken = (token: string): User | undefined => {
    const book = deps.current()?.book;
    const userId = book?.tokens().get(token);
    const contact = userId === undefined ? undefined : book?.get(userId);
    return contact && { userId: contact.userId, name: contact.name, signingKey: contact.signingKey };
  };
  /**
   * What the session presents now (visibility and tokens), once sent: a contact renamed or muted changes neither,
   * and must not cost a presence:watch (a costly request for the server).
   */
  let watched: string | undefined;
  const watch = (activeSignaling: SignalingConnection): void => {
    const opened = deps.current();
    if (!opened) return;
    const tokens = [...opened.book.tokens().keys()];
    for (const userId of online.keys())
      if (opened.book.get(userId)?.state !== 'accepted') {
        online.delete(userId);
        mesh?.disconnect(userId);
      }
    deps.publish();
    const presented = `${String(visible())} ${[...tokens].sort().join(' ')}`;
    if (presented === watched) return;
    watched = presented;
    void activeSignaling.request('presence:watch', { tokens, visible: visible() }).then((result) => {
      if (result.ok) return;
      if (watched === presented) watched = undefined; // not taken: the next change sends it again
      console.warn(`engine: the server did not take our contacts' presence: ${result.error.message}`);
    });
  };

  const link: ServerLink = {
    goOnline(current, opened) {
      link.goOffline();
      // Settings saved before https was required may name a plain http server elsewhere: never connect to it.
      const url = parse(ServerUrlSchema, current.serverUrl);
      if (!url.ok) return deps.setConnection('offline', `The server URL in Settings ${url.message}`);
      // The name was released or the account deleted there: signing in would take the name again.
      if (current.signedOut) return deps.setConnection('offline', SIGNED_OUT);
      deps.setConnection('connecting');
      const activeMesh = deps.createMesh({
        serverUrl: current.serverUrl,
        identity: opened.keys,
        iceServers: () => iceServers,
        onFrame: (peerId, data) => void deps.receiveFrame(peerId, data),
        onMediaFrame: (peerId, frame) => deps.receiveMediaFrame?.(peerId, frame),
        onLinkChange(peerId, status) {
          if (status === 'closed') links.delete(peerId);
          else links.set(peerId, status);
          // A new channel carries what waits; a lost one leaves it to the server.
          opened.delivery.kick(peerId);
          if (status === 'open') deps.linkOpened(peerId);
          deps.publish();
        },
        onSignalingLost() {
          void activeSignaling.request('peer:ticket', {}).then((result) => {
            if (result.ok && mesh === activeMesh) activeMesh.resume(result.data);
          });
        },
      });
      /** Publishes the signed prekey, and one-time prekeys if the server holds few: at sign-in, and when told. */
      const publishPrekeys = (): Promise<void> =>
        opened.sessions
          .publishPrekeys((request) => activeSignaling.request('prekeys:publish', request))
          .catch((error: unknown) => console.warn('engine: could not publish prekeys', error));
      const activeSignaling = deps.connectSignaling(current.serverUrl, {
        onConnected() {
          void startSession(activeSignaling, current, opened.keys).then(async (result) => {
            if (signaling !== activeSignaling) return;
            if (!result.ok) {
              deps.setConnection('offline', result.error.message);
              return;
            }
            // Online means others can add us: a lookup finds no one whose keys the server does not hold yet.
            await publishPrekeys();
            if (signaling !== activeSignaling) return;
            online.clear();
            deps.setConnection('online');
            watched = undefined; // a new session presents nothing yet
            watch(activeSignaling);
            activeMesh.resume(result.data.peer);
            void activeSignaling.request('ice:servers', {}).then((ice) => {
              if (ice.ok && signaling === activeSignaling) iceServers = ice.data.iceServers;
            });
            opened.book
              .settleOwed()
              .catch((error: unknown) => console.warn('engine: could not send contact messages', error));
            // Rooms first: mail may hold room messages, accepted only from members.
            link
              .syncRooms(opened, activeSignaling)
              .then(() => deps.fetchMail(activeSignaling))
              .catch((error: unknown) => console.warn('engine: could not fetch rooms or mail', error))
              .finally(() => opened.delivery.kick());
          });
        },
        onDisconnected(reason) {
          if (signaling !== activeSignaling) return;
          online.clear();
          // The server closed the connection itself (after a sign-in it refused, or for a newer session of
          // this identity): socket.io-client does not reconnect then, so "retrying" would be a lie, and a
          // refusal already shown must stay (its answer arrives before the close).
          if (reason === 'io server disconnect') {
            if (deps.connection().status !== 'offline')
              deps.setConnection(
                'offline',
                'The server closed the connection (this identity may have signed in elsewhere); save Settings to connect again',
              );
            return;
          }
          deps.setConnection('connecting', `Connection to the server lost (${reason}); retrying`);
        },
        onPresenceOnline(token, reply) {
          const user = userOfToken(token);
          if (!user) return;
          // They announce themselves: tell them we are here too (unless we appear offline).
          if (!reply && visible()) void activeSignaling.request('presence:here', { token });
          if (online.has(user.userId)) return;
          online.set(user.userId, user);
          if (wanted.has(user.userId)) activeMesh.connect(user.userId);
          opened.delivery.peerReturned(user.userId);
          deps.publish();
        },
        onMail(item) {
          void deps.receiveMail([item]);
        },
        onRoomUpdated(room) {
          void opened.rooms.take(room);
        },
        onRoomRemoved(roomId) {
          void opened.rooms.forget(roomId);
        },
        onPrekeysLow() {
          // publishPrekeys() asks the server how many it holds and tops up only below the low water mark.
          void publishPrekeys();
        },
        onPresenceOffline(token) {
          const userId = userOfToken(token)?.userId;
          if (userId === undefined || !online.delete(userId)) return;
          // Their engine left the server (locked, closed, restarted): a channel the browser still calls open would
          // only be found dead by the heartbeat, and would stand in the way of the new one they dial when back.
          activeMesh.disconnect(userId);
          deps.publish();
        },
      });
      mesh = activeMesh;
      signaling = activeSignaling;
    },
    goOffline() {
      const [closing, destroying] = [signaling, mesh];
      signaling = undefined;
      mesh = undefined;
      if (destroying) connectionsBefore += destroying.connectionsCreated;
      online.clear();
      links.clear();
      tryTo('close the server connection', () => closing?.close());
      tryTo('close the peer connections', () => destroying?.destroy());
    },
    forgetContacts() {
      wanted.clear();
    },
    watchPresence() {
      if (signaling && deps.connection().status === 'online') watch(signaling);
    },
    signaling: () => signaling,
    online: () => online,
    links: () => links,
    linkOpen: (peerId) => links.get(peerId) === 'open' && online.has(peerId),
    directOpen: (peerId) => link.linkOpen(peerId) && mesh !== undefined,
    connect(peerId) {
      mesh?.connect(peerId);
    },
    want(userId) {
      wanted.add(userId);
      if (online.has(userId)) link.connect(userId);
    },
    async sendDirect(peerId, frame) {
      if (!mesh) throw new Error('offline');
      await mesh.send(peerId, frame);
    },
    async openFileChannel(peerId, stream) {
      if (!mesh) throw new Error('Not connected: the file waits for a direct connection');
      return mesh.openFileChannel(peerId, stream);
    },
    iceServers: () => iceServers,
    sendMediaFrame: (peerId, frame) => mesh?.sendMediaFrame(peerId, frame) ?? false,
    mailTo: (to, id, message) =>
      signaling && deps.connection().status === 'online'
        ? signaling.request('mail:send', { to, id, message })
        : undefined,
    async request(event, payload) {
      if (!signaling || deps.connection().status !== 'online')
        throw new EngineError(
          ErrorCode.Unauthenticated,
          'Not connected to the server: try again when online',
        );
      const result = await signaling.request(event, payload);
      if (!result.ok) throw new EngineError(result.error.code, result.error.message);
      return result.data;
    },
    async claimBundle(peerId) {
      if (!signaling) throw new EngineError(ErrorCode.Unauthenticated, 'Not connected to the server');
      const bundle = await signaling.request('prekeys:claim', { userId: peerId });
      if (!bundle.ok) throw new EngineError(bundle.error.code, bundle.error.message);
      return bundle.data;
    },
    async syncRooms(opened, activeSignaling) {
      const listed = await activeSignaling.request('room:list', {});
      if (listed.ok) await opened.rooms.sync(listed.data.rooms);
    },
    connectionsCreated: () => connectionsBefore + (mesh?.connectionsCreated ?? 0),
  };
  return link;
}
