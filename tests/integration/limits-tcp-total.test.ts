import { connect as connectTcp, type Socket as NetSocket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HTTP_CONNECTION_HEADROOM } from '../../shared/limits';
import { TEST_DOOR_CONFIG } from '../support/stores';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
const sockets: NetSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server.close();
});

/** Opens a TCP connection to the server; resolves once connected, with a promise of its close. */
async function tcp(): Promise<{ socket: NetSocket; closed: Promise<void> }> {
  const socket = connectTcp({ port: server.port, host: '127.0.0.1' });
  socket.on('error', () => undefined); // a connection the server closes at once may be reset
  sockets.push(socket);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, closed };
}

/** GET /health on a new TCP connection; resolves with what the server answered before closing ('' for nothing). */
async function rawHealth(): Promise<string> {
  const { socket, closed } = await tcp();
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  await closed;
  return answer;
}

describe('bare TCP connections, overall', () => {
  it('closes connections past MAX_CONNECTIONS + HTTP_CONNECTION_HEADROOM unanswered, and /health answers once some go', async () => {
    const maxConnections = 2;
    // The per-address cap set out of the way: every connection here comes from 127.0.0.1.
    server = await startTestServer({
      door: { ...TEST_DOOR_CONFIG, maxConnections, maxConnectionsPerIp: 10_000 },
    });
    expect(await rawHealth()).toMatch(/^HTTP\/1\.1 200/);

    // Idle connections (closed by the server after HTTP_HEADERS_TIMEOUT_MS: this test is done well before).
    const held = await Promise.all(
      Array.from({ length: maxConnections + HTTP_CONNECTION_HEADROOM }, () => tcp()),
    );
    expect(await rawHealth()).toBe(''); // closed by the server, unanswered
    expect(held.every(({ socket }) => !socket.destroyed)).toBe(true);

    for (const { socket } of held.slice(0, 5)) socket.destroy();
    await vi.waitFor(async () => expect(await rawHealth()).toMatch(/^HTTP\/1\.1 200/), {
      timeout: 5_000,
      interval: 100,
    });
  });
});
