import { afterEach, describe, expect, it } from 'vitest';
import { FLOOD_DISCONNECT_FACTOR, MAX_SOCKET_EVENTS_PER_SECOND } from '../../shared/limits';
import { connected, doorClients } from '../support/door-clients';
import { TEST_DOOR_CONFIG } from '../support/stores';
import { startTestServer, type TestClient, type TestServer } from '../support/server';

/** Events a second all connections of one address may send, set low here (IP_EVENTS_PER_SECOND). */
const ADDRESS_EVENTS_PER_SECOND = 100;

let server: TestServer;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server.close();
});

const start = async (): Promise<void> => {
  server = await startTestServer({
    door: {
      ...TEST_DOOR_CONFIG,
      perIp: { ...TEST_DOOR_CONFIG.perIp, eventsPerSecond: ADDRESS_EVENTS_PER_SECOND },
    },
  });
};

const { socketFrom } = doorClients(() => server.url, cleanups);

/** A Socket.IO client from `localAddress` (127.0.0.2 stands for another machine), with how it was disconnected. */
async function clientFrom(localAddress: string): Promise<{ socket: TestClient; disconnected: string[] }> {
  const socket = socketFrom(localAddress);
  const disconnected: string[] = [];
  socket.on('disconnect', (reason) => disconnected.push(reason));
  await connected(socket);
  return { socket, disconnected };
}

const clientsFrom = (localAddress: string, count: number) =>
  Promise.all(Array.from({ length: count }, () => clientFrom(localAddress)));

/** `count` requests (session:challenge needs no session), all sent before any answer; resolves with the answers. */
const burst = (socket: TestClient, count: number) =>
  Promise.all(Array.from({ length: count }, () => socket.emitWithAck('session:challenge', {})));

const refusedCode = (answer: Awaited<ReturnType<typeof burst>>[number]) =>
  answer.ok ? undefined : answer.error.code;

describe('events per address, all its connections together', () => {
  it('refuses requests past IP_EVENTS_PER_SECOND with rate-limited, keeps the connections, and serves another address', async () => {
    await start();
    const crowd = await clientsFrom('127.0.0.1', 3);
    const other = await clientFrom('127.0.0.2');
    // Each connection stays far under its own MAX_SOCKET_EVENTS_PER_SECOND; together they send more than two
    // seconds of the address's budget (so whichever second they straddle, one is over) but under the flood
    // threshold (so no second reaches FLOOD_DISCONNECT_FACTOR times it).
    const perConnection = Math.floor((4 * ADDRESS_EVENTS_PER_SECOND - 1) / crowd.length);
    expect(perConnection).toBeLessThan(MAX_SOCKET_EVENTS_PER_SECOND);
    expect(perConnection * crowd.length).toBeGreaterThan(2 * ADDRESS_EVENTS_PER_SECOND);
    const [crowdAnswers, otherAnswers] = await Promise.all([
      Promise.all(crowd.map(({ socket }) => burst(socket, perConnection))),
      burst(other.socket, ADDRESS_EVENTS_PER_SECOND / 2),
    ]);

    const codes = crowdAnswers.flat().map(refusedCode);
    expect(codes.filter((code) => code === 'rate-limited').length).toBeGreaterThan(0);
    expect(codes.filter((code) => code === undefined).length).toBeGreaterThanOrEqual(
      ADDRESS_EVENTS_PER_SECOND,
    );
    expect(codes.filter((code) => code !== undefined && code !== 'rate-limited')).toEqual([]);
    // Refused, not cut off: under the flood threshold every connection of the address stays.
    expect(crowd.every(({ socket, disconnected }) => socket.connected && disconnected.length === 0)).toBe(
      true,
    );
    expect(otherAnswers.every((answer) => answer.ok)).toBe(true);
  });

  it('disconnects the connections that send past FLOOD_DISCONNECT_FACTOR times it, and not another address', async () => {
    await start();
    const crowd = await clientsFrom('127.0.0.1', 6);
    const other = await clientFrom('127.0.0.2');
    const flood = ADDRESS_EVENTS_PER_SECOND * FLOOD_DISCONNECT_FACTOR;
    // Twice the flood threshold, whichever second it straddles, each connection under its own budget.
    const perConnection = Math.ceil((2 * flood + 1) / crowd.length);
    expect(perConnection).toBeLessThan(MAX_SOCKET_EVENTS_PER_SECOND);
    // Interleaved, as several clients behind one address would send; answers that never come are not awaited.
    for (let i = 0; i < perConnection; i++)
      for (const { socket } of crowd) socket.emit('session:challenge', {}, () => undefined);
    const otherAnswers = await burst(other.socket, ADDRESS_EVENTS_PER_SECOND / 2);

    await expect
      .poll(() => crowd.filter(({ disconnected }) => disconnected.length > 0).length, { timeout: 5_000 })
      .toBeGreaterThan(0);
    // Cut off by the server (the dispatcher, or the door as the packet arrives), not by the client.
    for (const { disconnected } of crowd)
      for (const reason of disconnected)
        expect(['io server disconnect', 'transport close']).toContain(reason);
    expect(otherAnswers.every((answer) => answer.ok)).toBe(true);
    expect(other.socket.connected).toBe(true);
    expect((await other.socket.emitWithAck('session:challenge', {})).ok).toBe(true);
  });
});
