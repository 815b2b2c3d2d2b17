import { get as httpGet } from 'node:http';
import { connect as connectTcp, type Socket as NetSocket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  HTTP_CONNECTION_HEADROOM_PER_IP,
  MAX_SIGNAL_BYTES_PER_SECOND,
  MAX_SOCKET_BYTES_PER_SECOND,
} from '../../shared/limits';
import { DEFAULT_DOOR_CONFIG, type DoorConfig } from '../../signal-server/src/config';
import { doorClients, PEERJS, SOCKET_IO } from '../support/door-clients';
import { signIn } from '../support/identity';
import { openPeerjsSocket } from '../support/peerjs-socket';
import { openRawSocketIo } from '../support/raw-socketio';
import { startTestServer, type TestClient, type TestServer } from '../support/server';

let server: TestServer;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server.close();
});

const start = async (door: Partial<DoorConfig>): Promise<void> => {
  server = await startTestServer({ door: { ...DEFAULT_DOOR_CONFIG, ...door } });
};

const { clientFrom, upgrade } = doorClients(() => server.url, cleanups);

const health = async (): Promise<number> => (await fetch(`${server.url}/health`)).status;
/** GET /health from `localAddress`; resolves with the status. */
const healthFrom = (localAddress: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const request = httpGet(`${server.url}/health`, { localAddress }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });

// The typed client would not let us send an oversized payload; the untyped view is the point.
const raw = (s: TestClient) =>
  s as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<{ ok: boolean; error?: { code: string } }>;
  };

describe('connections per address and overall', () => {
  it('refuses connections past the per-address limit with a clear error, and serves other addresses', async () => {
    await start({ maxConnectionsPerIp: 3 });
    const first = await clientFrom();
    const started = await signIn(first, 'First');
    if (!started.ok) throw new Error(started.error.message);
    // PeerJS sockets count too: the first user's makes three with a second Socket.IO client.
    const peer = await openPeerjsSocket(server.url, started.data.peer.peerId, started.data.peer.ticket);
    cleanups.push(() => peer.ws.terminate());
    await clientFrom();

    await expect(clientFrom()).rejects.toThrow(); // socket.io-client only says "websocket error"
    const refusedIo = await upgrade(SOCKET_IO);
    expect(refusedIo.status).toBe(400); // engine.io's refusal status; the body says why
    expect(refusedIo.body).toContain('Too many connections from your address (at most 3)');
    const refusedPeer = await upgrade(PEERJS);
    expect(refusedPeer.status).toBe(429);
    expect(refusedPeer.body).toContain('Too many connections from your address (at most 3)');

    const elsewhere = await clientFrom('127.0.0.2');
    expect((await signIn(elsewhere, 'Elsewhere')).ok).toBe(true);
    expect(await health()).toBe(200);

    // A closed connection gives its place back.
    peer.ws.close();
    await vi.waitFor(async () => expect((await upgrade(SOCKET_IO)).status).toBe(101));
  });

  it('refuses any connection once the server holds its maximum, and /health still answers', async () => {
    await start({ maxConnections: 3 });
    await clientFrom('127.0.0.1');
    await clientFrom('127.0.0.2');
    await clientFrom('127.0.0.3');
    const refused = await upgrade(SOCKET_IO, '127.0.0.4');
    expect(refused.body).toContain('The server is full (3 connections)');
    const refusedPeer = await upgrade(PEERJS, '127.0.0.4');
    expect(refusedPeer.status).toBe(503);
    expect(refusedPeer.body).toContain('The server is full');
    expect(await health()).toBe(200);
  });
});

describe('bare TCP connections', () => {
  /** Opens a TCP connection that sends nothing; resolves once connected, with a promise of its close. */
  async function idleTcp(localAddress: string): Promise<{ closed: Promise<void>; socket: NetSocket }> {
    const socket = connectTcp({ port: Number(new URL(server.url).port), host: '127.0.0.1', localAddress });
    socket.on('error', () => undefined);
    cleanups.push(() => socket.destroy());
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise((resolve) => socket.once('connect', resolve));
    return { closed, socket };
  }

  it('closes idle connections past the per-address cap at once, and serves other addresses', async () => {
    await start({ maxConnectionsPerIp: 2 });
    const cap = 2 + HTTP_CONNECTION_HEADROOM_PER_IP;
    const held = await Promise.all(Array.from({ length: cap }, () => idleTcp('127.0.0.1')));
    const extra = await idleTcp('127.0.0.1');
    await extra.closed; // closed by the server, unanswered
    expect(held.every(({ socket }) => !socket.destroyed)).toBe(true);
    expect(await healthFrom('127.0.0.2')).toBe(200);
  });

  it('closes a connection that sends no request headers in time', async () => {
    await start({});
    const idle = await idleTcp('127.0.0.1');
    await idle.closed; // HTTP_HEADERS_TIMEOUT_MS, checked every second
  }, 30_000);
});

describe('sign-in deadline', () => {
  it('closes a connection that has not started a session in time, and keeps one that has', async () => {
    await start({ signInDeadlineMs: 300 });
    const idle = await clientFrom();
    const signed = await clientFrom();
    expect((await signIn(signed, 'Prompt')).ok).toBe(true);
    const told = new Promise((resolve) => idle.once('protocol:error', resolve));
    const closed = new Promise((resolve) => idle.once('disconnect', resolve));
    expect(await told).toMatchObject({ code: 'unauthenticated', event: 'session:start' });
    // A lost transport, not a kick: a real client reconnects by itself and signs in.
    expect(await closed).toBe('transport close');
    expect(signed.connected).toBe(true);
    expect((await signed.emitWithAck('ice:servers', {})).ok).toBe(true);
  });
});

describe('sign-in deadline, for a client that does not read', () => {
  it('drops it even though it never takes the closing error', async () => {
    await start({ signInDeadlineMs: 300 });
    const raw = await openRawSocketIo(server.url);
    cleanups.push(() => raw.ws.terminate());
    (raw.ws as unknown as { _socket: NetSocket })._socket.pause(); // `ws` keeps its TCP socket untyped
    expect(server.app.io.engine.clientsCount).toBe(1);
    const tcpConnections = () =>
      new Promise<number>((resolve, reject) =>
        server.app.httpServer.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
    // Not only forgotten by Socket.IO: its TCP connection is closed too (a close handshake would wait 30 s).
    await vi.waitFor(async () => expect(await tcpConnections()).toBe(0), { timeout: 5_000, interval: 100 });
    expect(server.app.io.engine.clientsCount).toBe(0);
  });
});

describe('rates in bytes', () => {
  const PACKET = 'x'.repeat(250 * 1024); // under the largest packet the server takes

  it('refuses requests from a connection past its bytes a second', async () => {
    await start({});
    const socket = await clientFrom();
    // Twice the budget: whichever second the burst straddles, one second sees more than the budget.
    const count = Math.ceil((2 * MAX_SOCKET_BYTES_PER_SECOND) / PACKET.length) + 2;
    const answers = await Promise.all(
      Array.from({ length: count }, () => raw(socket).emitWithAck('session:challenge', { padding: PACKET })),
    );
    expect(answers.filter((answer) => answer.error?.code === 'rate-limited').length).toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.error?.code === 'invalid-payload').length).toBeGreaterThan(0);
  });

  it("counts all of an address's connections together, and not another address's", async () => {
    await start({ perIp: { eventsPerSecond: 10_000, bytesPerSecond: 1024 * 1024 } });
    const [a, b] = [await clientFrom(), await clientFrom()];
    const other = await clientFrom('127.0.0.2');
    // 2 × 6 × 250 KiB from one address: past 1 MiB whichever second it straddles.
    const burst = (s: TestClient) =>
      Array.from({ length: 6 }, () => raw(s).emitWithAck('session:challenge', { padding: PACKET }));
    const answers = await Promise.all([...burst(a), ...burst(b)]);
    expect(answers.filter((answer) => answer.error?.code === 'rate-limited').length).toBeGreaterThan(0);
    expect((await other.emitWithAck('session:challenge', {})).ok).toBe(true);
  });

  it('cuts off a PeerJS connection past its signaling bytes a second', async () => {
    await start({});
    const socket = await clientFrom();
    const started = await signIn(socket, 'Chatty');
    if (!started.ok) throw new Error(started.error.message);
    const peer = await openPeerjsSocket(server.url, started.data.peer.peerId, started.data.peer.ticket);
    cleanups.push(() => peer.ws.terminate());
    expect(await peer.nextFrame()).toEqual({ type: 'OPEN' });
    const frame = { type: 'CANDIDATE', dst: started.data.peer.peerId, payload: { c: 'x'.repeat(60 * 1024) } };
    const count = Math.ceil((2 * MAX_SIGNAL_BYTES_PER_SECOND) / (60 * 1024)) + 2; // under the frame-count limit
    for (let i = 0; i < count; i++) peer.send(frame);
    for (;;) {
      const answer = await peer.nextFrame();
      if (answer.type === 'ERROR') {
        expect(answer).toEqual({ type: 'ERROR', payload: { msg: 'Too many signaling frames' } });
        break;
      }
    }
    expect(await peer.closed).toBe(1008);
  });
});
