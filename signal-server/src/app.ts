import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Server } from 'socket.io';
import { MAX_SOCKET_PAYLOAD_BYTES } from '../../shared/limits';
import type { ServerConfig } from './config';
import { healthRouter } from './http/health';
import { createLogger, type Logger } from './logger';
import { createPeerjsEndpoint, type SignalMetrics } from './peerjs/endpoint';
import { createLocalSignalRouter } from './peerjs/router';
import { createTicketAuthority } from './peerjs/tickets';
import type { TypedServer } from './socket/context';
import { attachDispatcher } from './socket/dispatch';
import { handlers } from './socket/handlers';
import type { Stores } from './stores';

export interface App {
  readonly httpServer: HttpServer;
  readonly io: TypedServer;
  readonly signalMetrics: SignalMetrics;
  /** Listens on `port` (0 picks a free one) and resolves the address actually bound. */
  listen(port: number, host: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** Express (HTTP), Socket.IO (sessions, presence) and the PeerJS signaling endpoint on one port. */
export function createApp(config: ServerConfig, stores: Stores, logger: Logger = createLogger(config)): App {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(stores, Date.now()));

  const httpServer = createServer(app);
  const tickets = createTicketAuthority(config.ticketSecret);
  const peerjs = createPeerjsEndpoint({ tickets, router: createLocalSignalRouter(), logger });

  // WebSocket only: no long-polling, so several processes behind one address need no sticky sessions.
  const io: TypedServer = new Server(httpServer, {
    transports: ['websocket'],
    maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
    serveClient: false,
  });
  io.on('connection', (socket) => attachDispatcher({ io, socket, stores, tickets, logger }, handlers));

  // Engine.io registers its upgrade listener first and ignores other paths; ours takes the PeerJS path.
  httpServer.on('upgrade', (request, socket, head: Buffer) => {
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
      peerjs.close();
      await io.close(); // also closes httpServer
    },
  };
}
