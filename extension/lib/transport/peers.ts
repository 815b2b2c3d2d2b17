import { Peer, type DataConnection, type PeerError } from 'peerjs';
import type { UserId } from '../../../shared/ids';
import * as v from 'valibot';
import { HEARTBEAT_FRAME, HeartbeatFrameSchema, type PeerFrame } from '../../../shared/protocol/peer';
import { PEERJS_KEY, PEERJS_PATH, type PeerTicket } from '../../../shared/protocol/socket';
import { userIdOfKeys, type IdentityKeys } from '../crypto/identity';
import type { LinkStatus } from '../model';
import { createHello, fingerprintsOf, verifyHello } from './channel-auth';
import { watchLiveness, type Liveness } from './liveness';
import { SERIALIZATION, screenSignal, type SignalFrame } from './signal-guard';
import type { MediaFrame } from '../../../shared/protocol/call';
import { outgoingMedia, screenMedia } from './media-signal';
import { BoundedJsonConnection } from './json-channel';

/** How long a send waits for a data channel to open, in ms. */
export const LINK_OPEN_TIMEOUT_MS = 10_000;

export interface MeshOptions {
  readonly serverUrl: string;
  /** Signs each channel's hello; the peer id is the user id derived from it. */
  readonly identity: IdentityKeys;
  /** Read when the PeerJS client starts: what the signal server offers (none by default: host candidates only). */
  readonly iceServers: () => RTCIceServer[];
  onFrame(peerId: UserId, data: unknown): void;
  onLinkChange(peerId: UserId, status: LinkStatus | 'closed'): void;
  /** The PeerJS signaling socket dropped; the engine answers with `resume(freshTicket)`. */
  onSignalingLost(): void;
  /** A call's media connection frame (screened: media-signal.ts); PeerJS never sees these. */
  onMediaFrame?(peerId: UserId, frame: MediaFrame): void;
}

export interface PeerMesh {
  /** Opens (or reopens) the signaling socket with a ticket from the session. */
  resume(ticket: PeerTicket): void;
  /** Starts a link to `peerId` unless one exists. */
  connect(peerId: UserId): void;
  /** Closes the link to `peerId`, if any (e.g. the server says they went offline: it is likely dead). */
  disconnect(peerId: UserId): void;
  /** Sends over the link to `peerId`, opening it first; rejects if it cannot open in time. */
  send(peerId: UserId, frame: PeerFrame): Promise<void>;
  /**
   * A data channel of its own for a file, on the verified link to `peerId` (opening it first), negotiated on stream
   * `stream`: both ends create it with the same id (the receiver first, then its `file-pull` names it), so no
   * signaling is needed, and it shares the link's DTLS, which the hello bound to both identities.
   */
  openFileChannel(peerId: UserId, stream: number): Promise<RTCDataChannel>;
  /** Sends a call's media connection frame over the signaling socket; false if the socket is not open. */
  sendMediaFrame(peerId: UserId, frame: MediaFrame): boolean;
  destroy(): void;
  /** RTCPeerConnections created so far (each PeerJS DataConnection owns one). */
  readonly connectionsCreated: number;
}

const NO_FINGERPRINT = 'its connection offer carries no DTLS fingerprint';

export type CreateMesh = (options: MeshOptions) => PeerMesh;

type HandleSignal = (this: Peer, frame: SignalFrame) => void;
/**
 * PeerJS 1.5 hands each frame of its signaling socket to this internal method; GuardedPeer screens them first.
 * Read once: if a PeerJS upgrade renames it, createPeer fails loudly instead of running unguarded.
 */
const handleSignal = (Peer.prototype as unknown as { _handleMessage?: HandleSignal })._handleMessage;

/**
 * A PeerJS client that acts only on signaling frames screenSignal lets through (see signal-guard), and knows
 * only the JSON serialization: no name a peer sends can pick another class, not even one on Object.prototype.
 */
class GuardedPeer extends Peer {
  /** Where a call's media frames go (set by createPeer). */
  onMedia: (peerId: UserId, frame: MediaFrame) => void = () => undefined;

  constructor(id: string, options: ConstructorParameters<typeof Peer>[1]) {
    if (typeof handleSignal !== 'function')
      throw new Error(
        'createPeerMesh: this PeerJS version has no Peer._handleMessage; update signal-guard for it',
      );
    super(id, options);
    // The map is PeerJS's own, filled by its constructor: keep its JSON entry only, on no prototype.
    for (const name of Object.keys(this._serializers))
      if (name !== SERIALIZATION) Reflect.deleteProperty(this._serializers, name);
    Object.setPrototypeOf(this._serializers, null);
  }

  /** Called by PeerJS (see handleSignal) for every frame; overrides its own. */
  _handleMessage(frame: unknown): void {
    // A call's media frames go to the call, never to PeerJS (which would answer them with a MediaConnection).
    const media = screenMedia(frame);
    if (media.kind === 'media') return this.onMedia(media.from, media.frame);
    if (media.kind === 'dropped') return console.warn(`peers: dropped a signaling frame: ${media.reason}`);
    const screened = screenSignal(
      frame,
      (peerId, connectionId) => this.getConnection(peerId, connectionId) !== null,
    );
    if (!screened.ok) {
      console.warn(`peers: dropped a signaling frame: ${screened.reason}`);
      return;
    }
    handleSignal?.call(this, screened.frame);
  }
}

interface Waiter {
  resolve(conn: DataConnection): void;
  reject(error: Error): void;
}

export const createPeerMesh: CreateMesh = (options) => {
  const selfId = userIdOfKeys(options.identity);
  let peer: Peer | undefined;
  let connectionsCreated = 0;
  const links = new Map<string, DataConnection>();
  const outgoing = new WeakSet<DataConnection>();
  // Links whose hello verified, each with its heartbeat watch: only they carry frames and count as open.
  const verified = new Map<DataConnection, Liveness>();
  const waiters = new Map<string, Set<Waiter>>();
  // PeerJS drops (silently) an offer sent before its signaling socket is open: such dials wait for 'open'.
  const deferredDials = new Set<UserId>();

  const initiatorOf = (conn: DataConnection): string => (outgoing.has(conn) ? selfId : conn.peer);

  function settleWaiters(peerId: string, outcome: { conn: DataConnection } | { error: Error }): void {
    const pending = waiters.get(peerId);
    if (!pending) return;
    waiters.delete(peerId);
    for (const waiter of pending) {
      if ('conn' in outcome) waiter.resolve(outcome.conn);
      else waiter.reject(outcome.error);
    }
  }

  /** Makes `conn` the link to its peer unless the link already there wins the tie-break. */
  function adopt(conn: DataConnection): void {
    connectionsCreated += 1;
    const current = links.get(conn.peer);
    // Both sides may dial at once; both keep the link whose initiator has the smaller id.
    // A link from the same initiator is newer and replaces the old one (that side restarted).
    if (current && initiatorOf(current) !== initiatorOf(conn) && initiatorOf(current) < initiatorOf(conn)) {
      conn.close();
      return;
    }
    links.set(conn.peer, conn);
    current?.close();
    options.onLinkChange(conn.peer, 'connecting');

    // Each end proves who it is on this very channel before anything else passes (see channelStatement).
    conn.on('open', () => {
      const fingerprints = fingerprintsOf(conn.peerConnection);
      if (!fingerprints) return refuse(conn, NO_FINGERPRINT);
      void conn.send(createHello(options.identity, conn.peer, fingerprints));
    });
    conn.on('data', (data) => {
      const watch = verified.get(conn);
      if (watch) {
        watch.received();
        if (v.is(HeartbeatFrameSchema, data)) return;
        // Frames from a link that just lost the tie-break still count: they were sent before it closed.
        return options.onFrame(conn.peer, data);
      }
      const fingerprints = fingerprintsOf(conn.peerConnection);
      const check = fingerprints
        ? verifyHello(data, selfId, conn.peer, fingerprints)
        : { ok: false as const, reason: NO_FINGERPRINT };
      if (!check.ok) return refuse(conn, check.reason);
      verified.set(
        conn,
        watchLiveness({
          sendHeartbeat: () => void conn.send(HEARTBEAT_FRAME),
          onDead: () => {
            console.warn(`peers: the link to ${conn.peer} went silent; closing it`);
            conn.close();
          },
        }),
      );
      if (links.get(conn.peer) !== conn) return;
      options.onLinkChange(conn.peer, 'open');
      settleWaiters(conn.peer, { conn });
    });
    conn.on('close', () => {
      verified.get(conn)?.stop();
      verified.delete(conn);
      if (links.get(conn.peer) !== conn) return;
      links.delete(conn.peer);
      options.onLinkChange(conn.peer, 'closed');
    });
    conn.on('error', (error) => console.warn(`peers: link to ${conn.peer} failed: ${error.type}`));
  }

  /**
   * Closes a link and forgets it. PeerJS emits no 'close' for a connection that never opened, so this does what
   * the 'close' handler would.
   */
  function drop(conn: DataConnection): void {
    conn.close();
    verified.get(conn)?.stop();
    verified.delete(conn);
    if (links.get(conn.peer) !== conn) return;
    links.delete(conn.peer);
    options.onLinkChange(conn.peer, 'closed');
  }

  /** Closes a link whose identity could not be verified, and fails what waited for it. */
  function refuse(conn: DataConnection, reason: string): void {
    console.warn(`peers: closed the link to ${conn.peer}: ${reason}`);
    conn.close();
    const error = new Error(`Could not verify this contact on the direct connection (${reason})`);
    if (links.get(conn.peer) === conn || !links.has(conn.peer)) settleWaiters(conn.peer, { error });
  }

  function createPeer(ticket: PeerTicket): Peer {
    const url = new URL(options.serverUrl);
    const secure = url.protocol === 'https:';
    // PeerJS types its options as a class but documents (and reads) a plain object.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    const created = new GuardedPeer(selfId, {
      host: url.hostname,
      port: Number(url.port || (secure ? 443 : 80)),
      secure,
      path: PEERJS_PATH,
      key: PEERJS_KEY,
      token: ticket.ticket,
      // Frames past MAX_PEER_FRAME_BYTES close the channel before they are parsed.
      serializers: { [SERIALIZATION]: BoundedJsonConnection },
      // Read at each new connection: the server's ICE servers may arrive after the client started.
      config: {
        get iceServers() {
          return options.iceServers();
        },
      },
    });
    created.onMedia = (peerId, frame) => options.onMediaFrame?.(peerId, frame);
    created.on('open', () => {
      for (const peerId of deferredDials) dial(peerId);
      deferredDials.clear();
    });
    created.on('connection', (conn) => adopt(conn));
    created.on('disconnected', () => options.onSignalingLost());
    created.on('close', () => {
      if (peer === created) peer = undefined;
    });
    created.on('error', (error: PeerError<string>) => {
      if (error.type === 'peer-unavailable') {
        const peerId = /([0-9a-f]{32})$/.exec(error.message)?.[1];
        if (peerId) {
          // The dial went nowhere: drop it, or it would stand (never opening) in the way of their own dial.
          const pending = links.get(peerId);
          if (pending && !verified.has(pending)) drop(pending);
          settleWaiters(peerId, { error: new Error('This contact is offline or unreachable right now') });
        }
      } else {
        console.warn(`peers: ${error.type}`);
      }
    });
    return created;
  }

  function dial(peerId: UserId): void {
    if (links.has(peerId)) return;
    if (!peer?.open) {
      deferredDials.add(peerId);
      return;
    }
    const conn = peer.connect(peerId, { serialization: SERIALIZATION, reliable: true });
    outgoing.add(conn);
    adopt(conn);
  }

  function waitForLink(peerId: UserId): Promise<DataConnection> {
    const current = links.get(peerId);
    if (current && verified.has(current)) return Promise.resolve(current);
    dial(peerId);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (conn) => {
          clearTimeout(timer);
          resolve(conn);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        waiters.get(peerId)?.delete(waiter);
        reject(new Error(`No direct connection to this contact within ${LINK_OPEN_TIMEOUT_MS / 1000} s`));
      }, LINK_OPEN_TIMEOUT_MS);
      const pending = waiters.get(peerId) ?? new Set<Waiter>();
      pending.add(waiter);
      waiters.set(peerId, pending);
    });
  }

  return {
    get connectionsCreated() {
      return connectionsCreated;
    },
    resume(ticket) {
      if (!peer || peer.destroyed) {
        peer = createPeer(ticket);
      } else if (peer.disconnected) {
        // PeerJS reconnects with its stored token; the old ticket may have expired.
        peer.options.token = ticket.ticket;
        peer.reconnect();
      }
    },
    connect(peerId) {
      dial(peerId);
    },
    disconnect(peerId) {
      const conn = links.get(peerId);
      if (conn) drop(conn);
    },
    async send(peerId, frame) {
      const conn = await waitForLink(peerId);
      await conn.send(frame);
      verified.get(conn)?.sent();
    },
    async openFileChannel(peerId, stream) {
      const conn = await waitForLink(peerId);
      const channel = conn.peerConnection.createDataChannel(`file-${stream}`, {
        negotiated: true,
        id: stream,
        ordered: true,
      });
      channel.binaryType = 'arraybuffer';
      return channel;
    },
    sendMediaFrame(peerId, frame) {
      if (!peer?.open) return false;
      peer.socket.send(outgoingMedia(peerId, frame));
      return true;
    },
    destroy() {
      for (const peerId of waiters.keys())
        settleWaiters(peerId, { error: new Error('The engine was stopped') });
      for (const watch of verified.values()) watch.stop();
      verified.clear();
      peer?.destroy();
      peer = undefined;
      links.clear();
      deferredDials.clear();
    },
  };
};
