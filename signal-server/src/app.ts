import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import express from 'express';
import { Server } from 'socket.io';
import { MAX_SOCKET_PAYLOAD_BYTES } from '../../shared/limits';
import type { Backend } from './backend';
import type { ServerConfig } from './config';
import { createDoor, HTTP_SERVER_OPTIONS } from './guard/door';
import { jsonOnlyParser } from './guard/parser';
import { healthRouter } from './http/health';
import { inviteRouter } from './http/invite';
import { createLogger, type Logger } from './logger';
import { createPeerjsEndpoint, type SignalMetrics } from './peerjs/endpoint';
import { createClusterSignalRouter, createLocalSignalRouter } from './peerjs/router';
import { createMemorySpentTickets, createRedisSpentTickets, createTicketAuthority } from './peerjs/tickets';
import type { TypedServer } from './socket/context';
import { createWriteBatcher } from './socket/batched-writes';
import { attachDispatcher } from './socket/dispatch';
import { handlers } from './socket/handlers';
import { announceOffline } from './socket/handlers/presence';
import { releaseInactiveNames } from './stores/forget';
import { related } from './stores/related';

export interface App {
  readonly httpServer: HttpServer;
  readonly io: TypedServer;
  readonly signalMetrics: SignalMetrics;
  /** Listens on `port` (0 picks a free one) and resolves the address actually bound. */
  listen(port: number, host: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** How often expired mail is deleted, in ms. */
const MAIL_PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** How often names unused for NAME_INACTIVITY_RELEASE_MS are released, in ms (and once at start). */
const NAME_RELEASE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Express (HTTP: /health, /invite), Socket.IO (sessions, presence, mailbox) and the PeerJS signaling endpoint on one port. With a
 * Redis backend, Socket.IO's Redis adapter carries rooms, presence pushes and signaling between processes.
 */
export function createApp(
  config: ServerConfig,
  backend: Backend,
  logger: Logger = createLogger(config),
): App {
  const { stores } = backend;
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(stores, Date.now()));
  app.use(inviteRouter());

  const httpServer = createServer(HTTP_SERVER_OPTIONS, app);
  // Spent tickets are shared like the stores: a ticket used on one process opens nothing on another.
  const tickets = createTicketAuthority(
    config.ticketSecret,
    backend.redis ? createRedisSpentTickets(backend.redis.pub) : createMemorySpentTickets(),
  );
  const door = createDoor({ config: config.door, logger });

  // WebSocket only: no long-polling, so several processes behind one address need no sticky sessions.
  const io: TypedServer = new Server(httpServer, {
    transports: ['websocket'],
    maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
    // No binary events: an attachment is never held waiting for the rest of its packet.
    parser: jsonOnlyParser,
    serveClient: false,
    // Over the connection limits a handshake is refused before it costs a socket; a connection that never joins
    // the namespace is dropped at the sign-in deadline too.
    allowRequest: door.allowRequest,
    connectTimeout: config.door.signInDeadlineMs,
    // requestsTimeout bounds how long a signaling frame waits for the other processes to answer.
    ...(backend.redis && {
      adapter: createAdapter(backend.redis.pub, backend.redis.sub, { requestsTimeout: 2_000 }),
    }),
  });
  const router = backend.redis ? createClusterSignalRouter(io) : createLocalSignalRouter();
  door.guardServers(httpServer, io);
  // What a connection is sent in one turn of the event loop leaves in one write (batched-writes.ts).
  io.engine.on('connection', createWriteBatcher());
  const peerjs = createPeerjsEndpoint({
    tickets,
    router,
    contacts: { related: (a, b) => related(stores, a, b) },
    logger,
    door,
    maxQueuedBytes: config.door.maxQueuedBytesPerSocket,
  });
  io.on('connection', (socket) =>
    attachDispatcher(
      {
        io,
        socket,
        stores,
        tickets,
        logger,
        config,
        newcomers: door.newcomers,
        failedSignIns: door.failedSignIns,
      },
      handlers,
      door.guardSocket(socket),
    ),
  );

  // Each process says it is alive; users of a process that stopped saying so (killed, crashed) go offline, for
  // their contacts (the tokens they presented while visible).
  const heartbeat = setInterval(() => {
    stores.presence.heartbeat().then(
      (released) => {
        for (const { tokens } of released) announceOffline(io, tokens);
        if (released.length > 0)
          logger.warn({ released: released.length }, 'released users of a dead process');
      },
      (error: unknown) => logger.error({ err: error }, 'presence heartbeat failed'),
    );
  }, config.presenceTtlMs / 3);
  heartbeat.unref();

  const purge = setInterval(() => {
    stores.mailbox.purgeExpired(Date.now()).then(
      (purged) => purged > 0 && logger.info({ purged }, 'expired mail deleted'),
      (error: unknown) => logger.error({ err: error }, 'mail purge failed'),
    );
  }, MAIL_PURGE_INTERVAL_MS);
  purge.unref();

  // Names of keys that have not signed in for NAME_INACTIVITY_RELEASE_MS go free. Each process sweeps; a release
  // is atomic per name, so processes sharing Redis cannot release one twice or one that was just used.
  const releaseNames = (): void => {
    releaseInactiveNames(stores, Date.now()).then(
      (released) => released > 0 && logger.info({ released }, 'inactive names released'),
      (error: unknown) => logger.error({ err: error }, 'releasing inactive names failed'),
    );
  };
  const firstRelease = setTimeout(releaseNames, 0);
  const nameReleases = setInterval(releaseNames, NAME_RELEASE_INTERVAL_MS);
  firstRelease.unref();
  nameReleases.unref();

  // Engine.io registers its upgrade listener first and ignores other paths; ours takes the PeerJS path.
  httpServer.on('upgrade', (request, socket, head: Buffer) => {
    // Node drops its own error listener from an upgraded socket; a reset before anyone answers must not throw.
    socket.on('error', () => socket.destroy());
    peerjs.handleUpgrade(request, socket, head);
  });

  return {
    httpServer,
    io,
    signalMetrics: peerjs.metrics,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve(httpServer.address() as AddressInfo); // listening on TCP, so the address is an AddressInfo
        });
      });
    },
    async close() {
      clearInterval(purge);
      clearTimeout(firstRelease);
      clearInterval(nameReleases);
      clearInterval(heartbeat);
      peerjs.close();
      await io.close(); // also closes httpServer
    },
  };
}
