import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomId } from '../../shared/ids';
import type { PeerTicket } from '../../shared/protocol/socket';
import { openPeerjsSocket, type PeerjsSocket } from '../support/peerjs-socket';
import { signIn } from '../support/identity';
import { connect, startTestServer, type TestClient, type TestServer } from '../support/server';

let server: TestServer;
const cleanups: (() => void)[] = [];

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server.close();
});

/** A signed-in user: a session on Socket.IO and the ticket it was given. */
async function signedInUser(name: string): Promise<{ socket: TestClient; ticket: PeerTicket }> {
  const socket = await connect(server.url);
  cleanups.push(() => socket.close());
  const result = await signIn(socket, name);
  if (!result.ok) throw new Error(result.error.message);
  return { socket, ticket: result.data.peer };
}

async function openAs(ticket: PeerTicket): Promise<PeerjsSocket> {
  const socket = await openPeerjsSocket(server.url, ticket.peerId, ticket.ticket);
  cleanups.push(() => socket.ws.close());
  return socket;
}

describe('PeerJS signaling endpoint', () => {
  it('opens for a valid ticket and relays offers with src set by the server, not the sender', async () => {
    const alice = await openAs((await signedInUser('Alice')).ticket);
    const bobTicket = (await signedInUser('Bob')).ticket;
    const bob = await openAs(bobTicket);
    expect(await alice.nextFrame()).toEqual({ type: 'OPEN' });
    expect(await bob.nextFrame()).toEqual({ type: 'OPEN' });

    const forgedSrc = randomId();
    alice.send({ type: 'OFFER', src: forgedSrc, dst: bobTicket.peerId, payload: { sdp: { type: 'offer' } } });
    const delivered = await bob.nextFrame();
    expect(delivered).toMatchObject({
      type: 'OFFER',
      dst: bobTicket.peerId,
      payload: { sdp: { type: 'offer' } },
    });
    expect(delivered.src).not.toBe(forgedSrc);
    expect(server.app.signalMetrics.relayed.OFFER).toBe(1);
  });

  it('answers an offer to someone offline with EXPIRE', async () => {
    const alice = await openAs((await signedInUser('Alice')).ticket);
    await alice.nextFrame();
    const nobody = randomId();
    alice.send({ type: 'OFFER', dst: nobody, payload: {} });
    expect(await alice.nextFrame()).toEqual({ type: 'EXPIRE', src: nobody });
  });

  it("refuses another user's id, a forged ticket and a wrong key", async () => {
    const alice = (await signedInUser('Alice')).ticket;
    const bob = (await signedInUser('Bob')).ticket;

    const stolen = await openPeerjsSocket(server.url, bob.peerId, alice.ticket);
    expect(await stolen.nextFrame()).toMatchObject({ type: 'ERROR' });
    expect(await stolen.closed).toBe(1008);

    const forged = await openPeerjsSocket(
      server.url,
      alice.peerId,
      `${Date.now() + 60_000}.${'A'.repeat(43)}`,
    );
    expect(await forged.nextFrame()).toMatchObject({ type: 'ERROR' });

    const wrongKey = await openPeerjsSocket(server.url, alice.peerId, alice.ticket, 'other');
    expect(await wrongKey.nextFrame()).toMatchObject({ type: 'INVALID-KEY' });
  });

  it('answers a malformed frame with ERROR, closes that socket, and keeps serving others', async () => {
    const alice = await openAs((await signedInUser('Alice')).ticket);
    await alice.nextFrame();
    alice.send('{not json');
    expect(await alice.nextFrame()).toMatchObject({ type: 'ERROR' });
    expect(await alice.closed).toBe(1008);

    const bob = await openAs((await signedInUser('Bob')).ticket);
    expect(await bob.nextFrame()).toEqual({ type: 'OPEN' });
    bob.send({ type: 'OFFER', dst: 'not-an-id', payload: {} });
    const error = await bob.nextFrame();
    expect(error).toMatchObject({ type: 'ERROR' });
    expect(JSON.stringify(error)).toContain('dst: must be 32 lowercase hex digits');
    expect(server.app.signalMetrics.rejectedFrames).toBe(2);
  });

  it('lets a newer socket with a valid ticket replace an older one for the same id', async () => {
    const { socket, ticket } = await signedInUser('Alice');
    const first = await openAs(ticket);
    await first.nextFrame();
    // Each ticket opens one socket: the newer one comes with a fresh ticket (peer:ticket), as the engine's does.
    const fresh = await socket.emitWithAck('peer:ticket', {});
    if (!fresh.ok) throw new Error(fresh.error.message);
    const second = await openAs(fresh.data);
    expect(await second.nextFrame()).toEqual({ type: 'OPEN' });
    expect(await first.closed).toBe(4000);
  });
});
