import { createRequire } from 'node:module';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomId } from '../../shared/ids';
import { PEERJS_KEY, PEERJS_PATH } from '../../shared/protocol/socket';
import { CHROMIUM_ARGS, CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { connect, startTestServer, type TestClient, type TestServer } from '../support/server';

const PEERJS_BUNDLE = createRequire(import.meta.url).resolve('peerjs/dist/peerjs.min.js');

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('real peerjs clients through the server', () => {
  let server: TestServer;
  let browser: Browser;
  const sockets: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await browser.close();
    await server.close();
  });

  async function ticketFor(name: string): Promise<{ id: string; token: string }> {
    const socket = await connect(server.url);
    sockets.push(socket);
    const result = await socket.emitWithAck('session:start', { userId: randomId(), name });
    if (!result.ok) throw new Error(result.error.message);
    return { id: result.data.peer.peerId, token: result.data.peer.ticket };
  }

  it('opens a data channel between two peerjs clients signaled by our server', async () => {
    const alice = await ticketFor('Alice');
    const bob = await ticketFor('Bob');
    const page = await browser.newPage();
    await page.goto(`${server.url}/health`);
    await page.addScriptTag({ path: PEERJS_BUNDLE });

    const port = Number(new URL(server.url).port);
    const received = await page.evaluate(
      async ({ alice, bob, port, path, key }) => {
        interface Conn {
          on(event: string, listener: (data?: unknown) => void): void;
          send(data: unknown): void;
        }
        interface PeerLike {
          on(event: string, listener: (value: never) => void): void;
          connect(id: string, options: object): Conn;
          destroy(): void;
        }
        const { Peer } = (
          window as unknown as { peerjs: { Peer: new (id: string, options: object) => PeerLike } }
        ).peerjs;
        const options = (token: string) => ({
          host: '127.0.0.1',
          port,
          path,
          key,
          token,
          config: { iceServers: [] },
        });
        const open = (peer: PeerLike) =>
          new Promise<void>((resolve, reject) => {
            peer.on('open', () => resolve());
            peer.on('error', (error: Error) => reject(error));
          });
        const a = new Peer(alice.id, options(alice.token));
        const b = new Peer(bob.id, options(bob.token));
        await Promise.all([open(a), open(b)]);
        const message = new Promise<unknown>((resolve) => {
          b.on('connection', (conn: Conn) => conn.on('data', resolve));
        });
        const conn = a.connect(bob.id, { serialization: 'json' });
        conn.on('open', () => conn.send({ hello: 'bob' }));
        const data = await message;
        a.destroy();
        b.destroy();
        return data;
      },
      { alice, bob, port, path: PEERJS_PATH, key: PEERJS_KEY },
    );

    expect(received).toEqual({ hello: 'bob' });
    expect(server.app.signalMetrics.relayed.OFFER).toBeGreaterThanOrEqual(1);
    expect(server.app.signalMetrics.relayed.ANSWER).toBeGreaterThanOrEqual(1);
  });
});
