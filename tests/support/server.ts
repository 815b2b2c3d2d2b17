import { afterEach, beforeEach } from 'vitest';
import { Writable } from 'node:stream';
import { io as connectClient, type Socket } from 'socket.io-client';
import { createApp, type App } from '../../signal-server/src/app';
import { createLogger } from '../../signal-server/src/logger';
import { openBackend } from '../../signal-server/src/backend';
import type { ServerConfig } from '../../signal-server/src/config';
import type { Stores } from '../../signal-server/src/stores';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol/socket';
import { testServerConfig } from './stores';

export interface TestServer {
  readonly app: App;
  readonly url: string;
  readonly port: number;
  /** The server's stores, to look at what it keeps. */
  readonly stores: Stores;
  /** Every log line the server wrote, as text. */
  readonly logs: string[];
  close(): Promise<void>;
}

/**
 * The real signal server on 127.0.0.1, logs captured. By default: a free port and the embedded store in memory;
 * `dataDir` keeps it in a SQLite file (to restart on), `redisUrl` scales out, `port` takes a given port.
 */
export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const config = testServerConfig(overrides);
  const logger = createLogger(config, sink);
  const backend = await openBackend(config, logger);
  const app = createApp(config, backend, logger);
  const address = await app.listen(config.port, '127.0.0.1');
  return {
    app,
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    stores: backend.stores,
    logs,
    async close() {
      await app.close();
      await backend.close();
    },
  };
}

export type TestClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connect(url: string): Promise<TestClient> {
  const socket: TestClient = connectClient(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Resolves with the next `event` the socket receives. */
export function next<E extends keyof ServerToClientEvents>(
  socket: TestClient,
  event: E,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => {
    socket.once(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => resolve(payload)) as never);
  });
}

export interface ServerFixture {
  /** The server of the running test. */
  readonly server: TestServer;
  /** A connected client, closed after the test. */
  client(): Promise<TestClient>;
}

/** Starts a fresh server before each test; after it, closes every client opened through the fixture, then the server. */
export function useTestServer(): ServerFixture {
  let current: TestServer | undefined;
  const clients: TestClient[] = [];
  beforeEach(async () => {
    current = await startTestServer();
  });
  afterEach(async () => {
    for (const socket of clients.splice(0)) socket.close();
    await current?.close();
  });
  const fixture: ServerFixture = {
    get server() {
      if (!current) throw new Error('useTestServer: the server is only there while a test runs');
      return current;
    },
    async client() {
      const socket = await connect(fixture.server.url);
      clients.push(socket);
      return socket;
    },
  };
  return fixture;
}
