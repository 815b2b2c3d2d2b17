import type { IncomingMessage, Server as HttpServer, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ErrorCode } from '../../../shared/errors';
import {
  HTTP_CONNECTION_HEADROOM,
  HTTP_CONNECTION_HEADROOM_PER_IP,
  HTTP_HEADERS_TIMEOUT_MS,
  MAX_CONTROL_PACKET_BYTES,
  MAX_SOCKET_BYTES_PER_SECOND,
  MAX_SOCKET_EVENTS_PER_SECOND,
} from '../../../shared/limits';
import type { DoorConfig } from '../config';
import type { Logger } from '../logger';
import { createRateWindow, worse, type RateVerdict } from '../rate-window';
import type { TypedServer, TypedSocket } from '../socket/context';
import { addressKey, clientAddress } from './client-address';
import {
  createConnectionRegistry,
  type Admission,
  type ConnectionRegistry,
  type Refusal,
} from './connections';
import { createFailedSignInBudget, type FailedSignInBudget } from './failed-sign-ins';
import { createNewcomerBudget, type NewcomerBudget } from './newcomers';
import { byteSize, createOutgoingQueues, dropConnection, type EngineConnection } from './outgoing';

/**
 * The HTTP server's own bounds, given when it is created: a connection that has not sent its request headers
 * (or a WebSocket handshake) in time is closed, checked every second rather than Node's default 30.
 */
export const HTTP_SERVER_OPTIONS: ServerOptions = {
  headersTimeout: HTTP_HEADERS_TIMEOUT_MS,
  requestTimeout: 3 * HTTP_HEADERS_TIMEOUT_MS,
  connectionsCheckingInterval: 1_000,
};

/** How long a connection being closed gets to take its last words before it is dropped, in ms. */
const DROP_GRACE_MS = 1_000;

/** Counts one request event against its connection's and its address's windows. */
export type RequestGate = () => RateVerdict;

/**
 * The server's front door: who may connect (per address and overall, and how fast per address), how long a
 * connection may stay without a session, what it may send per second (events and bytes, per connection and per
 * address), what it may leave unread, how many new identities an address may bring and how many of its sign-ins
 * may fail verification. One instance per process, shared by Socket.IO and the PeerJS endpoint.
 */
export interface Door {
  readonly connections: ConnectionRegistry;
  /** New identities per address (checked and counted by session:start). */
  readonly newcomers: NewcomerBudget;
  /** Sign-ins failing verification per address (checked and spent by session:start). */
  readonly failedSignIns: FailedSignInBudget;
  /** The client's address under this server's proxy setting. */
  addressOf(request: IncomingMessage): string;
  /** engine.io's `allowRequest`: refuses a Socket.IO connection over the limits before it costs anything. */
  readonly allowRequest: (
    request: IncomingMessage,
    answer: (error: string | null, success: boolean) => void,
  ) => void;
  /** Bounds the HTTP server's TCP connections (overall, per address) and guards Socket.IO's connections. */
  guardServers(httpServer: HttpServer, io: TypedServer): void;
  /** Called on each Socket.IO connection: arms the sign-in deadline, returns its request gate. */
  guardSocket(socket: TypedSocket): RequestGate;
  /** Answers an upgrade that must be refused with an HTTP error saying why, and closes it. */
  refuseUpgrade(socket: Duplex, refusal: Refusal): void;
}

interface Deps {
  readonly config: DoorConfig;
  readonly logger: Logger;
}

export function createDoor({ config, logger }: Deps): Door {
  const connections = createConnectionRegistry(config);
  const addressOf = (request: IncomingMessage): string => clientAddress(request, config.trustProxy);
  const outgoing = createOutgoingQueues({
    maxPerSocket: config.maxQueuedBytesPerSocket,
    maxTotal: config.maxQueuedBytesTotal,
  });
  // Per engine.io connection: its admission and its own window, found again when Socket.IO hands us the socket.
  const guarded = new WeakMap<EngineConnection, { admission: Admission; gate: RequestGate }>();

  function guardEngineConnection(conn: EngineConnection & { request: IncomingMessage }): void {
    const admission = connections.admit(addressOf(conn.request));
    const own = createRateWindow({
      eventsPerSecond: MAX_SOCKET_EVENTS_PER_SECOND,
      bytesPerSecond: MAX_SOCKET_BYTES_PER_SECOND,
    });
    const hit = (events: number, bytes: number): RateVerdict =>
      worse(own.hit(events, bytes), admission.addressRate.hit(events, bytes));
    conn.once('close', () => admission.release());
    // Every packet's bytes are counted as it arrives, before Socket.IO decodes it, whatever its type: a request is
    // then refused while its window is over (the gate sees it), and a sender four times over is cut off here.
    // Packets other than messages (pong, noop, upgrade) carry nothing a client needs to pad: a large one is
    // refused outright, and each counts as an event, since no gate sees it.
    conn.on('packet', (packet: { readonly type: string; readonly data?: unknown }) => {
      const bytes = byteSize(packet.data);
      const isMessage = packet.type === 'message';
      if (!isMessage && bytes > MAX_CONTROL_PACKET_BYTES) {
        logger.warn({ type: packet.type, bytes }, 'socket sent an oversized control packet; disconnected');
        return dropConnection(conn);
      }
      if (hit(isMessage ? 0 : 1, bytes) === 'flood') {
        logger.warn({ type: packet.type }, 'socket sending too many packets or bytes; disconnected');
        dropConnection(conn);
      }
    });
    outgoing.bound(conn, (queuedBytes, reason) => {
      if (reason === 'socket') logger.warn({ queuedBytes }, 'socket does not read what it is sent; cut off');
      else
        logger.warn(
          { queuedBytes, maxTotalBytes: config.maxQueuedBytesTotal },
          'outgoing queues over the process-wide bound; cut off the socket holding the most',
        );
    });
    guarded.set(conn, { admission, gate: () => hit(1, 0) });
  }

  return {
    connections,
    newcomers: createNewcomerBudget(config.newIdentitiesPerIpPerHour, addressOf),
    failedSignIns: createFailedSignInBudget(config.failedSignInsPerIpPerMinute, addressOf),
    addressOf,
    allowRequest: (request, answer) => {
      const refusal = connections.refusal(addressOf(request));
      if (refusal) logger.debug({ status: refusal.status }, 'socket.io connection refused');
      answer(refusal?.message ?? null, refusal === undefined);
    },
    guardServers(httpServer, io) {
      // Past this the kernel's connections are closed unanswered; WebSockets stop at maxConnections before,
      // so the headroom stays for /health and handshakes.
      httpServer.maxConnections = config.maxConnections + HTTP_CONNECTION_HEADROOM;
      // TCP connections per peer address too (open, idle, never upgraded): the WebSocket limit plus a little for
      // requests in flight. Behind a proxy every connection comes from the proxy, so only the total holds there.
      // A connection that sends nothing at all is not covered by headersTimeout: an idle timeout closes it (Node
      // destroys a socket that times out between requests; `ws` clears the timeout on the sockets it upgrades).
      httpServer.on('connection', (socket: Socket) => socket.setTimeout(HTTP_HEADERS_TIMEOUT_MS));
      if (!config.trustProxy)
        limitTcpPerAddress(httpServer, config.maxConnectionsPerIp + HTTP_CONNECTION_HEADROOM_PER_IP);
      io.engine.on('connection', guardEngineConnection);
    },
    guardSocket(socket) {
      const deadline = setTimeout(() => {
        if (socket.data.user) return;
        const seconds = config.signInDeadlineMs / 1000;
        socket.emit('protocol:error', {
          event: 'session:start',
          code: ErrorCode.Unauthenticated,
          message: `No session within ${seconds} s of connecting; start one (session:challenge, session:start) right after connecting`,
        });
        // A lost transport, not a kick: a real client that was merely slow reconnects and tries again. One that
        // does not read would hold the close up (it waits for the error to drain): it is dropped after a grace.
        socket.conn.close();
        setTimeout(() => dropConnection(socket.conn), DROP_GRACE_MS).unref();
      }, config.signInDeadlineMs);
      deadline.unref();
      socket.once('disconnect', () => clearTimeout(deadline));
      const entry = guarded.get(socket.conn);
      if (entry) return entry.gate;
      // Every engine.io connection is guarded on arrival, before Socket.IO can make a socket of it; one that
      // was not is refused rather than served unbounded.
      logger.error('guardSocket: a Socket.IO socket whose connection the door did not see; closed');
      socket.disconnect(true);
      return () => 'flood';
    },
    refuseUpgrade(socket, { status, message }) {
      socket.on('error', () => socket.destroy());
      const reason = status === 503 ? 'Service Unavailable' : 'Too Many Requests';
      const body = JSON.stringify({ error: message });
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    },
  };
}

/** Closes, unanswered, a TCP connection from an address that already holds `max` of them. */
function limitTcpPerAddress(httpServer: HttpServer, max: number): void {
  const held = new Map<string, number>();
  httpServer.on('connection', (socket: Socket) => {
    const address = addressKey(socket.remoteAddress ?? 'unknown');
    const count = held.get(address) ?? 0;
    if (count >= max) {
      socket.destroy();
      return;
    }
    held.set(address, count + 1);
    socket.once('close', () => {
      const left = (held.get(address) ?? 1) - 1;
      if (left === 0) held.delete(address);
      else held.set(address, left);
    });
  });
}
