import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriteBatcher } from '../../signal-server/src/socket/batched-writes';

/** The TCP socket under a server-side Socket.IO socket, with a count of the writes handed to the kernel. */
function countWrites(socket: ServerSocket): { readonly count: () => number } {
  const transport = socket.conn.transport as unknown as { socket: { _socket: Record<string, unknown> } };
  const tcp = transport.socket._socket;
  let writes = 0;
  for (const method of ['_write', '_writev'] as const) {
    const original = tcp[method] as (...args: unknown[]) => unknown;
    tcp[method] = (...args: unknown[]) => {
      writes += 1;
      return original.apply(tcp, args);
    };
  }
  return { count: () => writes };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('batched writes: what a connection is sent in one turn leaves in one write', () => {
  let httpServer: HttpServer;
  let io: Server;
  let client: ClientSocket;
  let serverSocket: ServerSocket;

  beforeEach(async () => {
    httpServer = createServer();
    io = new Server(httpServer, { transports: ['websocket'], serveClient: false });
    io.engine.on('connection', createWriteBatcher());
    const connected = new Promise<ServerSocket>((resolve) => io.once('connection', resolve));
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const { port } = httpServer.address() as AddressInfo;
    client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
    serverSocket = await connected;
    await new Promise<void>((resolve) => (client.connected ? resolve() : client.once('connect', resolve)));
  });

  afterEach(async () => {
    client.close();
    await io.close();
  });

  it('sends five events of one turn in one write, in order', async () => {
    const received: number[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('n', (n: number) => {
        received.push(n);
        if (received.length === 5) resolve();
      }),
    );
    await nextTurn();
    const writes = countWrites(serverSocket);
    for (let n = 1; n <= 5; n++) serverSocket.emit('n', n);
    await all;
    expect(received).toEqual([1, 2, 3, 4, 5]);
    expect(writes.count()).toBe(1);
  });

  it('holds nothing past its turn: an event alone arrives, and so does one from a later turn', async () => {
    const received: string[] = [];
    client.on('e', (value: string) => received.push(value));
    serverSocket.emit('e', 'first');
    await new Promise<void>((resolve) => client.once('e', () => resolve()));
    await nextTurn();
    serverSocket.emit('e', 'second');
    await new Promise<void>((resolve) => client.once('e', () => resolve()));
    expect(received).toEqual(['first', 'second']);
  });

  it('answers requests sent together, each with its own answer', async () => {
    serverSocket.on('double', (n: number, ack: (answer: number) => void) => ack(n * 2));
    const answers = await Promise.all([1, 2, 3].map((n) => client.emitWithAck('double', n)));
    expect(answers).toEqual([2, 4, 6]);
  });

  it('delivers what was sent in the turn the server closes the connection', async () => {
    const last = new Promise<string>((resolve) => client.once('bye', resolve));
    const gone = new Promise<string>((resolve) => client.once('disconnect', resolve));
    serverSocket.emit('bye', 'see you');
    serverSocket.disconnect(true);
    expect(await last).toBe('see you');
    expect(await gone).toBe('io server disconnect');
  });
});
