import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBytes } from '../../shared/crypto/identity';
import { randomId } from '../../shared/ids';
import type { SealedMessage } from '../../shared/protocol/envelope';
import { createIdentityKeys, userIdOfKeys } from '../../extension/lib/crypto/identity';
import type { Result } from '../../shared/errors';
import { signIn } from '../support/identity';
import { makeContacts, newToken, watch } from '../support/presence-tokens';
import { openPeerjsSocket } from '../support/peerjs-socket';
import { redisAvailable, startRedis, type TestRedis } from '../support/redis';
import { connect, next, type TestClient } from '../support/server';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const data = async <T>(pending: Promise<Result<T>> | Result<T>): Promise<T> => {
  const result = await pending;
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
};
const key = (fill: number): string => encodeBytes(new Uint8Array(32).fill(fill));
const sealed = (): SealedMessage => ({
  v: 1,
  session: key(1),
  envelope: { v: 1, header: { dh: key(2), pn: 0, n: 0 }, ciphertext: key(3) },
});

describe.runIf(redisAvailable())('two server processes sharing one Redis', () => {
  let redis: TestRedis;
  let first: ServerProcess;
  let second: ServerProcess;
  const sockets: TestClient[] = [];
  // A short presence lifetime, so a killed process's users are released within seconds.
  const env = () => ({
    REDIS_URL: redis.url,
    TICKET_SECRET: 'shared-ticket-secret-'.repeat(2),
    PRESENCE_TTL_SECONDS: '1',
  });
  const client = async (url: string): Promise<TestClient> => {
    const socket = await connect(url);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    redis = await startRedis();
    [first, second] = await Promise.all([startServerProcess(env()), startServerProcess(env())]);
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([first.stop(), second.stop()]);
    await redis.stop();
  });

  it('run on different ports', () => {
    expect(new URL(first.url).port).not.toBe(new URL(second.url).port);
  });

  it('share presence between contacts and names: a user on one process sees their contact on the other', async () => {
    const token = newToken();
    const alice = await client(first.url);
    await data(signIn(alice, 'Alice'));
    await watch(alice, [token]);
    const heard = next(alice, 'presence:online');
    const bob = await client(second.url);
    await data(signIn(bob, 'Bob'));
    const answered = next(bob, 'presence:online');
    await watch(bob, [token]);
    expect(await heard).toEqual({ token, reply: false });
    await data(alice.emitWithAck('presence:here', { token }));
    expect(await answered).toEqual({ token, reply: true });
    const gone = next(alice, 'presence:offline');
    bob.close();
    expect(await gone).toEqual({ token });

    // The name belongs to Alice's key on every process.
    const mallory = await client(second.url);
    expect(await signIn(mallory, 'alice')).toMatchObject({ ok: false, error: { code: 'name-taken' } });
  });

  it('route PeerJS signaling to a contact connected to the other process, and nothing to a non-contact', async () => {
    const [alice, bob] = [await client(first.url), await client(second.url)];
    const [a, b] = [await data(signIn(alice, 'Ann')), await data(signIn(bob, 'Ben'))];
    const annPeer = await openPeerjsSocket(first.url, a.self.userId, a.peer.ticket);
    const benPeer = await openPeerjsSocket(second.url, b.self.userId, b.peer.ticket);
    expect(await annPeer.nextFrame()).toEqual({ type: 'OPEN' });
    expect(await benPeer.nextFrame()).toEqual({ type: 'OPEN' });
    const payload = { sdp: { type: 'offer', sdp: 'v=0' }, type: 'data', connectionId: 'dc_1' };
    // Not contacts yet: answered as if Ben were offline.
    annPeer.send({ type: 'OFFER', dst: b.self.userId, payload });
    expect(await annPeer.nextFrame()).toEqual({ type: 'EXPIRE', src: b.self.userId });

    await makeContacts(alice, bob);
    annPeer.send({ type: 'OFFER', dst: b.self.userId, payload });
    expect(await benPeer.nextFrame()).toEqual({
      type: 'OFFER',
      src: a.self.userId,
      dst: b.self.userId,
      payload,
    });
    annPeer.ws.close();
    benPeer.ws.close();
  });

  it('share the mailbox: mail is pushed across processes, and held for users offline', async () => {
    const sender = await client(first.url);
    await signIn(sender, 'Sam');
    const onlineKeys = createIdentityKeys();
    const online = await client(second.url);
    await signIn(online, 'Olga', onlineKeys);
    const pushed = next(online, 'mail:new');
    const pushedId = randomId();
    await sender.emitWithAck('mail:send', { to: userIdOfKeys(onlineKeys), id: pushedId, message: sealed() });
    expect((await pushed).id).toBe(pushedId);

    const offlineKeys = createIdentityKeys();
    const once = await client(second.url); // mail is only taken for someone who has used the server
    await signIn(once, 'Otto', offlineKeys);
    once.close();
    const heldId = randomId();
    await sender.emitWithAck('mail:send', { to: userIdOfKeys(offlineKeys), id: heldId, message: sealed() });
    const later = await client(second.url);
    await signIn(later, 'Otto', offlineKeys);
    const batch = await later.emitWithAck('mail:fetch', {});
    expect(batch.ok && batch.data.items.map((item) => item.id)).toEqual([heldId]);
  });

  it('announce offline the users of a process that was killed, to their contacts, and keep their mail for them', async () => {
    const doomed = await startServerProcess(env());
    const watcher = await client(first.url);
    await signIn(watcher, 'Watcher');
    const victimKeys = createIdentityKeys();
    const victim = await connect(doomed.url);
    await signIn(victim, 'Victim', victimKeys);
    const token = await makeContacts(watcher, victim);
    expect((await data(watcher.emitWithAck('mail:fetch', {}))).items).toEqual([]);

    const offline = next(watcher, 'presence:offline');
    doomed.child.kill('SIGKILL'); // no shutdown: nothing releases the session but the others
    expect(await offline).toEqual({ token });
    victim.close();
    const id = randomId();
    await watcher.emitWithAck('mail:send', { to: userIdOfKeys(victimKeys), id, message: sealed() });
    const back = await client(second.url);
    await signIn(back, 'Victim', victimKeys);
    expect((await data(back.emitWithAck('mail:fetch', {}))).items.map((item) => item.id)).toEqual([id]);
  });
});
