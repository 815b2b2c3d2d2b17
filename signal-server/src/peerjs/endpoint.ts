import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { USER_ID_PATTERN } from '../../../shared/ids';
import {
  MAX_SIGNAL_BYTES_PER_SECOND,
  MAX_SIGNAL_FRAME_BYTES,
  MAX_SIGNAL_FRAMES_PER_SECOND,
} from '../../../shared/limits';
import {
  ClientSignalFrameSchema,
  RelayedTypes,
  type DeliveredFrame,
  type RelayedType,
  type ServerSignalFrame,
} from '../../../shared/protocol/peerjs';
import { PEERJS_KEY, PEERJS_PATH } from '../../../shared/protocol/socket';
import { parse } from '../../../shared/validate';
import type { Logger } from '../logger';
import type { Door } from '../guard/door';
import { sendBounded } from '../guard/outgoing';
import type { Admission } from '../guard/connections';
import { createRateWindow, worse } from '../rate-window';
import { createContactGate, type Contacts } from './contact-gate';
import type { SignalRouter } from './router';
import type { TicketAuthority } from './tickets';

/** The peerjs client sends HEARTBEAT every 5 s; a socket silent this long is dead. */
const ALIVE_TIMEOUT_MS = 60_000;
const SWEEP_INTERVAL_MS = 15_000;
const BAD_TICKET =
  'Peer ticket missing, expired, already used or not for this id; ask the server for a new one (peer:ticket)';
/** A refused socket gets this long to take its close frame, then it is dropped, in ms. */
const REFUSED_CLOSE_GRACE_MS = 1_000;

export interface SignalMetrics {
  readonly relayed: Record<RelayedType, number>;
  rejectedFrames: number;
}

export interface PeerjsEndpoint {
  /** Takes the upgrade if it is for the PeerJS path; returns false to leave it to others. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  readonly metrics: SignalMetrics;
  close(): void;
}

interface Deps {
  readonly tickets: TicketAuthority;
  readonly router: SignalRouter;
  /** Who may signal whom: frames between users who are not contacts are refused (an offer would reveal the IP). */
  readonly contacts: Contacts;
  readonly logger: Logger;
  readonly door: Door;
  /** Bytes a peer may leave unread before it is cut off. */
  readonly maxQueuedBytes: number;
}

/** The signaling endpoint the `peerjs` client speaks to, with ids bound to sessions through tickets. */
export function createPeerjsEndpoint({
  tickets,
  router,
  contacts,
  logger,
  door,
  maxQueuedBytes,
}: Deps): PeerjsEndpoint {
  const gate = createContactGate(contacts);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SIGNAL_FRAME_BYTES });
  const metrics: SignalMetrics = {
    relayed: Object.fromEntries(RelayedTypes.map((type) => [type, 0])) as Record<RelayedType, number>,
    rejectedFrames: 0,
  };
  const lastSeen = new Map<WebSocket, number>();
  const sweeper = setInterval(() => {
    const deadline = Date.now() - ALIVE_TIMEOUT_MS;
    for (const [ws, seen] of lastSeen) if (seen < deadline) ws.terminate();
    gate.sweep();
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();

  // A peer that answers heartbeats but never reads would otherwise have every frame sent to it kept here.
  const send = (ws: WebSocket, frame: ServerSignalFrame): void => {
    const text = serialise(frame);
    if (text === undefined) {
      // Payloads are bounded in depth when parsed; this is only the last line, without a stack per frame.
      logger.warn({ type: frame.type }, 'peerjs frame could not be serialised; dropped');
      return;
    }
    sendBounded(ws, text, maxQueuedBytes, (queuedBytes) =>
      logger.warn({ queuedBytes }, 'peerjs socket does not read what it is sent; cut off'),
    );
  };
  const refuse = (ws: WebSocket, frame: ServerSignalFrame, reason: string): void => {
    logger.info({ reason }, 'peerjs socket refused');
    send(ws, frame);
    ws.close(1008, reason);
    setTimeout(() => ws.terminate(), REFUSED_CLOSE_GRACE_MS).unref();
  };

  function accept(ws: WebSocket, request: IncomingMessage, admission: Admission): void {
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const peerId = query.get('id') ?? '';
    if (query.get('key') !== PEERJS_KEY) {
      return refuse(
        ws,
        { type: 'INVALID-KEY', payload: { msg: `Invalid key; use "${PEERJS_KEY}"` } },
        'bad key',
      );
    }
    // Frames wait (unread) while the ticket is checked and spent: it may take a round trip to Redis.
    ws.pause();
    const ticket = USER_ID_PATTERN.test(peerId) ? tickets.redeem(peerId, query.get('token') ?? '') : false;
    Promise.resolve(ticket).then(
      (valid) => {
        if (ws.readyState !== ws.OPEN) return; // gone while its ticket was checked
        if (valid) open(ws, peerId, admission);
        else refuse(ws, { type: 'ERROR', payload: { msg: BAD_TICKET } }, 'bad ticket');
        ws.resume(); // after the listeners are on: no frame is lost
      },
      (error: unknown) => {
        logger.error({ err: error }, 'peer ticket check failed');
        ws.resume();
        refuse(
          ws,
          { type: 'ERROR', payload: { msg: 'The server could not check the ticket; retry' } },
          'ticket check failed',
        );
      },
    );
  }

  /** Binds an accepted socket to its peer id and relays its frames. */
  function open(ws: WebSocket, peerId: string, admission: Admission): void {
    const detach = router.attach(
      peerId,
      (frame) => send(ws, frame),
      () => ws.close(4000, 'replaced by a newer connection'),
    );
    lastSeen.set(ws, Date.now());
    const rate = createRateWindow({
      eventsPerSecond: MAX_SIGNAL_FRAMES_PER_SECOND,
      bytesPerSecond: MAX_SIGNAL_BYTES_PER_SECOND,
    });
    logger.debug({ peerId }, 'peerjs socket open');
    send(ws, { type: 'OPEN' });

    const route = (frame: DeliveredFrame): void => {
      void router.route(frame).then(
        (reached) => {
          logger.debug({ type: frame.type, src: peerId, dst: frame.dst, reached }, 'signal relayed');
          if (reached) metrics.relayed[frame.type] += 1;
          else if (frame.type === 'OFFER') send(ws, { type: 'EXPIRE', src: frame.dst });
        },
        (error: unknown) => logger.error({ err: error, type: frame.type }, 'signal routing failed'),
      );
    };
    // Not a contact (or blocked): dropped, and an offer answered as for someone offline, so a refusal tells the
    // sender nothing of whether they are online.
    const refuseFrame = (frame: DeliveredFrame): void => {
      metrics.rejectedFrames += 1;
      logger.debug({ type: frame.type, src: peerId, dst: frame.dst }, 'signal between non-contacts refused');
      if (frame.type === 'OFFER') send(ws, { type: 'EXPIRE', src: frame.dst });
    };
    // Frames leave in the order they came: one waiting for the stores holds back those after it.
    let checking: Promise<void> | undefined;
    const relay = (frame: DeliveredFrame): void => {
      const allows = (): true | Promise<boolean> => gate.allows(peerId, frame.dst);
      const answer = checking ? checking.then(allows) : allows();
      if (answer === true) return route(frame);
      const check = answer
        .then(
          (allowed) => (allowed ? route(frame) : refuseFrame(frame)),
          (error: unknown) => {
            metrics.rejectedFrames += 1;
            logger.error({ err: error, type: frame.type }, 'checking whether peers are contacts failed');
          },
        )
        .finally(() => {
          if (checking === check) checking = undefined;
        });
      checking = check;
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      lastSeen.set(ws, Date.now());
      const bytes = Buffer.isBuffer(data) ? data.length : 0;
      const own = rate.hit(1, bytes);
      const address = admission.addressRate.hit(1, bytes);
      // Over its own budget a peer is cut off (as before); over its address's, its frame is dropped, and only
      // a flood cuts it off: the other connections behind the same address may be someone else's.
      if (own !== 'within' || address === 'flood') {
        return refuse(ws, { type: 'ERROR', payload: { msg: 'Too many signaling frames' } }, 'rate limited');
      }
      if (worse(own, address) !== 'within') {
        metrics.rejectedFrames += 1;
        return;
      }
      const frame = !isBinary && Buffer.isBuffer(data) ? parseJson(data.toString('utf8')) : undefined;
      const parsed = parse(ClientSignalFrameSchema, frame);
      if (!parsed.ok) {
        metrics.rejectedFrames += 1;
        return refuse(
          ws,
          { type: 'ERROR', payload: { msg: `Malformed signaling frame: ${parsed.message}` } },
          'malformed',
        );
      }
      const message = parsed.value;
      if (message.type === 'HEARTBEAT') return;
      relay({ type: message.type, src: peerId, dst: message.dst, payload: message.payload });
    });
    ws.on('close', () => {
      lastSeen.delete(ws);
      detach();
      logger.debug({ peerId }, 'peerjs socket closed');
    });
  }

  const upgradePath = `${PEERJS_PATH}/peerjs`;
  return {
    metrics,
    handleUpgrade(request, socket, head) {
      if (new URL(request.url ?? '/', 'http://localhost').pathname !== upgradePath) return false;
      const address = door.addressOf(request);
      const refusal = door.connections.refusal(address);
      if (refusal) {
        logger.debug({ status: refusal.status }, 'peerjs connection refused');
        door.refuseUpgrade(socket, refusal);
        return true;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        // Every socket, accepted or refused: `ws` emits 'error' for a frame over maxPayload or invalid UTF-8,
        // and an 'error' with no listener stops the process.
        ws.on('error', (error) => logger.debug({ err: error.message }, 'peerjs socket error'));
        const admission = door.connections.admit(address);
        ws.once('close', () => admission.release());
        accept(ws, request, admission);
      });
      return true;
    },
    close() {
      clearInterval(sweeper);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function serialise(frame: ServerSignalFrame): string | undefined {
  try {
    return JSON.stringify(frame);
  } catch {
    return undefined;
  }
}
