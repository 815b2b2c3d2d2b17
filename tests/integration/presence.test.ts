import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomId } from '../../shared/ids';
import { connect, next, startTestServer, type TestClient, type TestServer } from '../support/server';

let server: TestServer;
const clients: TestClient[] = [];
const client = async (): Promise<TestClient> => {
  const socket = await connect(server.url);
  clients.push(socket);
  return socket;
};

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const socket of clients.splice(0)) socket.close();
  await server.close();
});

describe('presence', () => {
  it('shows each user to the others and announces arrivals and departures', async () => {
    const alice = await client();
    const aliceId = randomId();
    const started = await alice.emitWithAck('session:start', { userId: aliceId, name: 'Alice' });
    expect(started).toMatchObject({
      ok: true,
      data: { self: { userId: aliceId, name: 'Alice' }, online: [] },
    });

    const bob = await client();
    const bobId = randomId();
    const arrival = next(alice, 'presence:online');
    const bobStarted = await bob.emitWithAck('session:start', { userId: bobId, name: '  Bob ' });
    expect(bobStarted.ok && bobStarted.data.online).toEqual([{ userId: aliceId, name: 'Alice' }]);
    expect(await arrival).toEqual({ userId: bobId, name: 'Bob' });

    const departure = next(alice, 'presence:offline');
    bob.close();
    expect(await departure).toEqual({ userId: bobId });
  });

  it('refuses a name that someone else online holds, whatever its case', async () => {
    const alice = await client();
    await alice.emitWithAck('session:start', { userId: randomId(), name: 'Alice' });
    const impostor = await client();
    const result = await impostor.emitWithAck('session:start', { userId: randomId(), name: 'ALICE' });
    expect(result).toMatchObject({ ok: false, error: { code: 'name-taken' } });
    expect(result.ok || result.error.message).toContain('choose another name');
  });

  it('lets a returning user replace their stale session, which is disconnected', async () => {
    const userId = randomId();
    const first = await client();
    await first.emitWithAck('session:start', { userId, name: 'Carol' });
    const dropped = new Promise((resolve) => first.once('disconnect', resolve));
    const second = await client();
    const result = await second.emitWithAck('session:start', { userId, name: 'Carol' });
    expect(result.ok).toBe(true);
    await dropped;
    const health = (await (await fetch(`${server.url}/health`)).json()) as { online: number };
    expect(health.online).toBe(1);
  });

  it('reports health with the number of users online', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', online: 0 });
  });
});
