import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomId } from '../../shared/ids';
import type { PeerTicket } from '../../shared/protocol/socket';
import { makeContacts, newToken, watch } from '../support/presence-tokens';
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
  it('opens for a valid ticket and relays offers between contacts with src set by the server, not the sender', async () => {
    const aliceUser = await signedInUser('Alice');
    const bobUser = await signedInUser('Bob');
    await makeContacts(aliceUser.socket, bobUser.socket);
    const alice = await openAs(aliceUser.ticket);
    const bobTicket = bobUser.ticket;
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

  it('relays nothing between users who are not contacts: an offer is answered as if they were offline', async () => {
    const aliceUser = await signedInUser('Alice');
    const bobUser = await signedInUser('Bob');
    await makeContacts(bobUser.socket, (await signedInUser('Carol')).socket); // Bob has contacts, not Alice
    await watch(aliceUser.socket, [newToken()]);
    const [alice, bob] = [await openAs(aliceUser.ticket), await openAs(bobUser.ticket)];
    await alice.nextFrame();
    await bob.nextFrame();
    const bobId = bobUser.ticket.peerId;

    const candidate = { candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host' } };
    alice.send({ type: 'CANDIDATE', dst: bobId, payload: candidate });
    alice.send({ type: 'OFFER', dst: bobId, payload: { sdp: { type: 'offer' } } });
    // The same answer as for someone offline: a stranger cannot tell whether Bob is online.
    expect(await alice.nextFrame()).toEqual({ type: 'EXPIRE', src: bobId });
    expect(server.app.signalMetrics.rejectedFrames).toBe(2);
    expect(server.app.signalMetrics.relayed).toMatchObject({ OFFER: 0, CANDIDATE: 0 });

    // Once they are contacts the next offer goes through, and it is the first frame Bob gets.
    await makeContacts(aliceUser.socket, bobUser.socket);
    alice.send({ type: 'OFFER', dst: bobId, payload: { sdp: { type: 'offer' } } });
    expect(await bob.nextFrame()).toMatchObject({ type: 'OFFER', src: aliceUser.ticket.peerId });
  });

  it('relays nothing between contacts while one blocks the other, and relays again once unblocked', async () => {
    const aliceUser = await signedInUser('Alice');
    const bobUser = await signedInUser('Bob');
    await makeContacts(aliceUser.socket, bobUser.socket);
    const [alice, bob] = [await openAs(aliceUser.ticket), await openAs(bobUser.ticket)];
    await alice.nextFrame();
    await bob.nextFrame();
    const [aliceId, bobId] = [aliceUser.ticket.peerId, bobUser.ticket.peerId];
    expect(await bobUser.socket.emitWithAck('block:set', { userId: aliceId, blocked: true })).toEqual({
      ok: true,
      data: { blocked: 1 },
    });
    alice.send({ type: 'OFFER', dst: bobId, payload: { sdp: { type: 'offer' } } });
    expect(await alice.nextFrame()).toEqual({ type: 'EXPIRE', src: bobId });
    bob.send({ type: 'OFFER', dst: aliceId, payload: { sdp: { type: 'offer' } } }); // nor the other way
    expect(await bob.nextFrame()).toEqual({ type: 'EXPIRE', src: aliceId });

    await bobUser.socket.emitWithAck('block:set', { userId: aliceId, blocked: false });
    alice.send({ type: 'OFFER', dst: bobId, payload: { sdp: { type: 'offer' } } });
    expect(await bob.nextFrame()).toMatchObject({ type: 'OFFER', src: aliceId });
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
