import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CONTROL_PACKET_BYTES, MAX_SOCKET_EVENTS_PER_SECOND } from '../../shared/limits';
import { doorClients } from '../support/door-clients';
import { newToken } from '../support/presence-tokens';
import { signIn } from '../support/identity';
import { openRawSocketIo, type RawSocketIo } from '../support/raw-socketio';
import { connect, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
const cleanups: (() => void)[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server.close();
});

async function raw(): Promise<RawSocketIo> {
  const socket = await openRawSocketIo(server.url);
  cleanups.push(() => socket.ws.terminate());
  return socket;
}

/** Resolves 'closed' if the server closes `socket` within `ms`, 'open' otherwise. */
async function closedWithin(socket: RawSocketIo, ms: number): Promise<'closed' | 'open'> {
  return Promise.race([
    socket.closed.then(() => 'closed' as const),
    new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), ms)),
  ]);
}

let served = 0;
/** The server still signs a real client in and answers its request, and /health. */
async function stillServing(): Promise<void> {
  const client = await connect(server.url);
  cleanups.push(() => client.close());
  served += 1;
  expect((await signIn(client, `Still${served}`)).ok).toBe(true);
  expect((await client.emitWithAck('ice:servers', {})).ok).toBe(true);
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
}

describe('engine.io packets other than messages', () => {
  it('closes a connection sending a padded pong, noop or upgrade packet', async () => {
    for (const type of ['3', '6', '5']) {
      const socket = await raw();
      socket.ws.send(type + 'x'.repeat(MAX_CONTROL_PACKET_BYTES + 1));
      expect({ type, outcome: await closedWithin(socket, 3_000) }).toEqual({ type, outcome: 'closed' });
    }
    await stillServing();
  });

  it('counts pongs against the connection: a flood of empty ones is cut off', async () => {
    const socket = await raw();
    // Twice four times the events a connection may send in a second: however the burst falls across the server's
    // one-second windows, one of two holds a flood.
    for (let i = 0; i < 2 * (MAX_SOCKET_EVENTS_PER_SECOND * 4 + 10); i++) socket.ws.send('3');
    expect(await closedWithin(socket, 3_000)).toBe('closed');
    await stillServing();
  });
});

describe('Socket.IO binary packets', () => {
  it('closes a connection announcing a binary event at once, holding none of its attachments', async () => {
    const socket = await raw();
    // Promises ten attachments and sends one: socket.io-parser would hold it, waiting for the other nine.
    socket.ws.send('4510-["mail:send",{"_placeholder":true,"num":0}]');
    socket.ws.send(Buffer.alloc(200 * 1024));
    expect(await closedWithin(socket, 3_000)).toBe('closed');

    const ack = await raw();
    ack.ws.send('461-0[{"_placeholder":true,"num":0}]');
    expect(await closedWithin(ack, 3_000)).toBe('closed');

    const bare = await raw();
    bare.ws.send(Buffer.from('42["ice:servers",{}]'));
    expect(await closedWithin(bare, 3_000)).toBe('closed');
    await stillServing();
  });
});

describe('PeerJS payloads', () => {
  const { signedInPeer } = doorClients(() => server.url, cleanups);

  it('refuses a payload nested thousands of levels deep with a clear error, and keeps serving', async () => {
    const token = newToken(); // all three are contacts
    const alice = await signedInPeer('Alice', [token]);
    const bob = await signedInPeer('Bob', [token]);
    const levels = 30_000; // 60 KB, within MAX_SIGNAL_FRAME_BYTES: deep enough to overflow JSON.stringify
    alice.peer.ws.send(
      `{"type":"OFFER","dst":"${bob.ticket.peerId}","payload":{"x":${'['.repeat(levels)}${']'.repeat(levels)}}}`,
    );
    const error = await alice.peer.nextFrame();
    expect(error).toMatchObject({ type: 'ERROR' });
    expect(JSON.stringify(error)).toContain('nested more than 32 levels deep');
    expect(await alice.peer.closed).toBe(1008);

    // Offers of the usual shape still go through, and nothing stack-sized was logged.
    const carol = await signedInPeer('Carol', [token]);
    const offer = { sdp: { type: 'offer', sdp: 'v=0' }, type: 'data', connectionId: 'dc_1', reliable: true };
    carol.peer.send({ type: 'OFFER', dst: bob.ticket.peerId, payload: offer });
    expect(await bob.peer.nextFrame()).toEqual({
      type: 'OFFER',
      src: carol.ticket.peerId,
      dst: bob.ticket.peerId,
      payload: offer,
    });
    expect(server.logs.join('\n')).not.toContain('RangeError');
    await stillServing();
  });
});
