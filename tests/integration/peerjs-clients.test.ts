import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import {
  openPeerjsPage,
  pagePeerOptions,
  type PageDataConnection,
  type PagePeer,
  type PagePeerjs,
} from '../support/peerjs-page';
import { signIn } from '../support/identity';
import { newToken, watch } from '../support/presence-tokens';
import { connect, startTestServer, type TestClient, type TestServer } from '../support/server';

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

  /** A user signed in, presenting `token` (the server relays signaling between contacts only). */
  async function ticketFor(name: string, token: string): Promise<{ id: string; options: object }> {
    const socket = await connect(server.url);
    sockets.push(socket);
    const result = await signIn(socket, name);
    if (!result.ok) throw new Error(result.error.message);
    await watch(socket, [token]);
    return { id: result.data.peer.peerId, options: pagePeerOptions(server.url, result.data.peer.ticket) };
  }

  it('opens a data channel between two peerjs clients (contacts) signaled by our server', async () => {
    const token = newToken();
    const alice = await ticketFor('Alice', token);
    const bob = await ticketFor('Bob', token);
    const page = await browser.newPage();
    await openPeerjsPage(page, `${server.url}/health`);

    const received = await page.evaluate(
      async ({ alice, bob }) => {
        const { Peer } = (window as unknown as PagePeerjs).peerjs;
        const open = (peer: PagePeer) =>
          new Promise<void>((resolve, reject) => {
            peer.on('open', () => resolve());
            peer.on('error', (error: Error) => reject(error));
          });
        const a = new Peer(alice.id, alice.options);
        const b = new Peer(bob.id, bob.options);
        await Promise.all([open(a), open(b)]);
        const message = new Promise<unknown>((resolve) => {
          b.on('connection', (conn: PageDataConnection) => conn.on('data', resolve));
        });
        const conn = a.connect(bob.id, { serialization: 'json' });
        conn.on('open', () => conn.send({ hello: 'bob' }));
        const data = await message;
        a.destroy();
        b.destroy();
        return data;
      },
      { alice, bob },
    );

    expect(received).toEqual({ hello: 'bob' });
    expect(server.app.signalMetrics.relayed.OFFER).toBeGreaterThanOrEqual(1);
    expect(server.app.signalMetrics.relayed.ANSWER).toBeGreaterThanOrEqual(1);
  });
});
