import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEER_TICKET_TTL_MS } from '../../shared/limits';
import { createMemorySpentTickets, createTicketAuthority } from '../../signal-server/src/peerjs/tickets';
import { signIn } from '../support/identity';
import { openPeerjsSocket, type PeerjsSocket } from '../support/peerjs-socket';
import { redisAvailable, startRedis, type TestRedis } from '../support/redis';
import { connect, startTestServer, useTestServer, type TestClient } from '../support/server';
import { testServerConfig } from '../support/stores';

/** Signs a new user in on `socket` and returns their peer id and first ticket. */
async function session(socket: TestClient, name: string): Promise<{ peerId: string; ticket: string }> {
  const started = await signIn(socket, name);
  if (!started.ok) throw new Error(started.error.message);
  return { peerId: started.data.self.userId, ticket: started.data.peer.ticket };
}

const refusedWith = async (socket: PeerjsSocket, text: string): Promise<void> => {
  const frame = await socket.nextFrame();
  expect(frame.type).toBe('ERROR');
  expect(JSON.stringify(frame.payload)).toContain(text);
  expect(await socket.closed).toBe(1008);
};

describe('peer tickets: a logged one is worthless', () => {
  const fixture = useTestServer();

  it('opens one PeerJS socket only: replayed while that one is open, or after it closed, it is refused', async () => {
    const { peerId, ticket } = await session(await fixture.client(), 'Alice');
    const first = await openPeerjsSocket(fixture.server.url, peerId, ticket);
    expect(await first.nextFrame()).toEqual({ type: 'OPEN' });

    await refusedWith(await openPeerjsSocket(fixture.server.url, peerId, ticket), 'already used');
    first.ws.close();
    await first.closed;
    await refusedWith(await openPeerjsSocket(fixture.server.url, peerId, ticket), 'already used');
  });

  it('a fresh ticket (peer:ticket), as the engine asks before each reconnect, opens it again', async () => {
    const socket = await fixture.client();
    const { peerId, ticket } = await session(socket, 'Alice');
    const first = await openPeerjsSocket(fixture.server.url, peerId, ticket);
    expect(await first.nextFrame()).toEqual({ type: 'OPEN' });
    first.ws.close();
    const fresh = await socket.emitWithAck('peer:ticket', {});
    if (!fresh.ok) throw new Error(fresh.error.message);
    const again = await openPeerjsSocket(fixture.server.url, peerId, fresh.data.ticket);
    expect(await again.nextFrame()).toEqual({ type: 'OPEN' });
    again.ws.close();
  });

  it('refuses a genuine ticket once it is older than a minute (tickets used to last ten)', async () => {
    const { peerId } = await session(await fixture.client(), 'Alice');
    // Made with the server's own secret, 61 s ago: everything right but its age.
    const authority = createTicketAuthority(testServerConfig().ticketSecret, createMemorySpentTickets());
    const old = authority.issue(peerId, Date.now() - PEER_TICKET_TTL_MS - 1_000);
    expect(PEER_TICKET_TTL_MS).toBe(60_000);
    await refusedWith(await openPeerjsSocket(fixture.server.url, peerId, old.ticket), 'expired');
    const recent = authority.issue(peerId, Date.now() - PEER_TICKET_TTL_MS + 10_000);
    const opened = await openPeerjsSocket(fixture.server.url, peerId, recent.ticket);
    expect(await opened.nextFrame()).toEqual({ type: 'OPEN' });
    opened.ws.close();
  });

  it('never writes a ticket into the server log', async () => {
    const socket = await fixture.client();
    const { peerId, ticket } = await session(socket, 'Alice');
    const peer = await openPeerjsSocket(fixture.server.url, peerId, ticket);
    await peer.nextFrame();
    await refusedWith(await openPeerjsSocket(fixture.server.url, peerId, ticket), 'already used');
    const fresh = await socket.emitWithAck('peer:ticket', {});
    peer.ws.close();
    await peer.closed;
    const logs = fixture.server.logs.join('');
    expect(logs).toContain('peerjs socket refused'); // the log was written, without what follows
    const mac = (text: string): string => text.split('.')[1] ?? 'missing';
    expect(logs).not.toContain(mac(ticket));
    expect(fresh.ok && logs.includes(mac(fresh.data.ticket))).toBe(false);
  });
});

describe.runIf(redisAvailable())('peer tickets with two server processes on one Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis.stop();
  });

  it('a ticket used on one process is refused on the other', async () => {
    const [first, second] = await Promise.all([
      startTestServer({ redisUrl: redis.url }),
      startTestServer({ redisUrl: redis.url }),
    ]);
    const socket = await connect(first.url);
    try {
      const { peerId, ticket } = await session(socket, 'Alice');
      const used = await openPeerjsSocket(first.url, peerId, ticket);
      expect(await used.nextFrame()).toEqual({ type: 'OPEN' });
      await refusedWith(await openPeerjsSocket(second.url, peerId, ticket), 'already used');
      used.ws.close();
    } finally {
      socket.close();
      await Promise.all([first.close(), second.close()]);
    }
  });
});
