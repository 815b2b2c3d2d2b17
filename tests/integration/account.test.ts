/**
 * A user's account on a server: releasing their name, and deleting the account, each signed over a fresh challenge.
 * What the server holds afterwards is read straight from its storage (the embedded SQLite file, and Redis when
 * installed): nothing of the user may be left.
 */
import nacl from 'tweetnacl';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountAction } from '../../shared/crypto/account-statement';
import { decodeBytes, encodeBytes, signedPrekeyStatement } from '../../shared/crypto/identity';
import type { Result } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import { MAX_COSTLY_SOCKET_EVENTS, MAX_SOCKET_EVENTS_PER_SECOND } from '../../shared/limits';
import { nameKey } from '../../shared/names';
import type { PrekeysPublish } from '../../shared/protocol/prekeys';
import type { Room } from '../../shared/protocol/rooms';
import { signAccountRequest } from '../../extension/lib/crypto/account-requests';
import { createIdentityKeys, publicIdentity, type IdentityKeys } from '../../extension/lib/crypto/identity';
import { newProfileKey, sealProfile } from '../../extension/lib/crypto/profile-seal';
import { signRoomEntry } from '../../extension/lib/crypto/room-entries';
import { readRoomLog } from '../../shared/crypto/room-log';
import { nameSkeleton } from '../../signal-server/src/stores/name-skeleton';
import { sealedMessage } from '../fuzz/examples';
import { originOf, signIn } from '../support/identity';
import { makeContacts } from '../support/presence-tokens';
import { redisAvailable, startRedis, type TestRedis } from '../support/redis';
import { dumpableDeployments, type Deployment } from '../support/store-dumps';
import { connect, next, startTestServer, type TestClient, type TestServer } from '../support/server';

const withRedis = redisAvailable();
let redis: TestRedis | undefined;
beforeAll(async () => {
  if (withRedis) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const deployments = dumpableDeployments(withRedis, () => redis);

interface Person {
  readonly socket: TestClient;
  readonly keys: IdentityKeys;
  readonly userId: string;
  readonly name: string;
}

const data = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
};

const sockets: TestClient[] = [];

/**
 * Closes the clients, waits until the server has ended their sessions (with Redis, its last writes and presence
 * broadcasts go out then), and only then closes the server and its connections to its stores.
 */
async function shutDown(server: TestServer, close: () => Promise<void>): Promise<void> {
  for (const socket of sockets.splice(0)) socket.close();
  await vi.waitFor(async () => expect(await server.stores.presence.count()).toBe(0), { timeout: 5_000 });
  await close();
}

async function person(server: TestServer, name: string, keys = createIdentityKeys()): Promise<Person> {
  const socket = await connect(server.url);
  sockets.push(socket);
  const started = data(await signIn(socket, name, keys));
  return { socket, keys, userId: started.self.userId, name };
}

/** A name of letters only, new to each test (one Redis serves the whole file). */
const newName = (base: string) => `${base}${randomId().replace(/[0-9]/g, '').slice(0, 6)}`;

function prekeys(keys: IdentityKeys): PrekeysPublish {
  const signed = nacl.box.keyPair().publicKey;
  return {
    signedPrekey: {
      id: 1,
      key: encodeBytes(signed),
      signature: encodeBytes(nacl.sign.detached(signedPrekeyStatement(signed), keys.signing.secretKey)),
    },
    oneTimePrekeys: [1, 2, 3].map((id) => ({ id, key: encodeBytes(nacl.box.keyPair().publicKey) })),
  };
}

async function createRoom(by: Person): Promise<Room> {
  const roomId = `r${randomId()}`;
  const entry = signRoomEntry(by.keys, roomId, { op: 'create', subject: 'Hikers', at: Date.now(), prev: '' });
  return data(await by.socket.emitWithAck('room:create', { roomId, entry }));
}

async function invite(by: Person, room: Room, invitee: Person): Promise<Room> {
  const prev = readRoomLog(room.roomId, room.log).state?.hashes.at(-1) ?? '';
  const entry = signRoomEntry(by.keys, room.roomId, {
    op: 'invite',
    subject: invitee.userId,
    at: Date.now(),
    prev,
  });
  const done = data(
    await by.socket.emitWithAck('room:append', { roomId: room.roomId, entry, name: invitee.name }),
  );
  if (!done.room) throw new Error('the room ended');
  return done.room;
}

type AccountEvent = 'account:release-name' | 'account:delete';
const ACTION: Record<AccountEvent, AccountAction> = {
  'account:release-name': 'release-name',
  'account:delete': 'delete-account',
};

/** Asks for a challenge and sends `event` signed as the engine does; `tamper` changes what is signed or sent. */
async function request(
  by: Person,
  event: AccountEvent,
  tamper: { action?: AccountAction; origin?: string; keys?: IdentityKeys; challenge?: string } = {},
) {
  const challenge = tamper.challenge ?? data(await by.socket.emitWithAck('session:challenge', {})).challenge;
  const origin = tamper.origin ?? originOf(by.socket);
  const signature = signAccountRequest(tamper.keys ?? by.keys, {
    origin,
    challenge: decodeBytes(challenge),
    action: tamper.action ?? ACTION[event],
  });
  // The event map types each event's answer; both take the same payload.
  return (by.socket.emitWithAck as (e: AccountEvent, p: unknown) => Promise<Result<unknown>>)(event, {
    origin,
    challenge,
    signature,
  });
}

const closed = (socket: TestClient) =>
  new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));

/** Everything that would tie the server's data to this person: id, name (and its forms), signing key. */
const tracesOf = ({ userId, name, keys }: Person) => [
  userId,
  name,
  nameKey(name),
  nameSkeleton(name),
  publicIdentity(keys).signingKey,
];

describe.each(deployments)('%s: deleting an account', (_name, deploy) => {
  let deployment: Deployment | undefined;
  afterEach(async () => {
    const ending = deployment;
    deployment = undefined;
    if (ending) await shutDown(ending.server, () => ending.close());
  });

  it('leaves nothing of the user behind: name, key, prekeys and claims, mail to and from them, rooms, presence and its tokens, blocks by and of them, her sealed profile', async () => {
    deployment = await deploy();
    const { server } = deployment;
    const alice = await person(server, newName('Alice'));
    const bob = await person(server, newName('Bob'));
    for (const [one, other] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      data(await one.socket.emitWithAck('prekeys:publish', prekeys(one.keys)));
      // Mail each way, left unacknowledged; claims each way, counted per claimer and target.
      data(
        await one.socket.emitWithAck('mail:send', {
          to: other.userId,
          id: randomId(),
          message: sealedMessage(),
        }),
      );
    }
    for (const [one, other] of [
      [alice, bob],
      [bob, alice],
    ] as const)
      data(await one.socket.emitWithAck('prekeys:claim', { userId: other.userId }));
    // A room of hers, with an invitation she made to Bob waiting.
    const room = await invite(alice, await createRoom(alice), bob);
    // Contacts (a presence token each presents); she blocks someone, and Bob blocks her (after her mail).
    const token = await makeContacts(alice.socket, bob.socket);
    data(await alice.socket.emitWithAck('block:set', { userId: randomId(), blocked: true }));
    data(await bob.socket.emitWithAck('block:set', { userId: alice.userId, blocked: true }));
    const profile = sealProfile(newProfileKey(), alice.userId, 1, { v: 1, displayName: 'Ali', bio: '' });
    data(await alice.socket.emitWithAck('profile:put', { version: 1, sealed: profile }));
    const before = await deployment.dump();
    expect(before).toContain(profile);
    for (const trace of tracesOf(alice)) expect(before).toContain(trace);

    const gone = next(bob.socket, 'presence:offline');
    const removed = next(bob.socket, 'room:removed');
    const disconnected = closed(alice.socket);
    expect(await request(alice, 'account:delete')).toEqual({ ok: true, data: { deleted: true } });
    await disconnected;
    expect(await gone).toEqual({ token });
    expect(await removed).toEqual({ roomId: room.roomId });

    const after = await deployment.dump();
    for (const trace of tracesOf(alice)) expect(after).not.toContain(trace);
    expect(after).not.toContain(profile);
    expect(await server.stores.profiles.get(alice.userId)).toBeUndefined();
    for (const trace of [bob.userId, nameKey(bob.name)]) expect(after).toContain(trace); // Bob's is all there
    expect((await server.stores.presence.list()).map((user) => user.userId)).toEqual([bob.userId]);
    expect(await server.stores.blocks.blocks(bob.userId, alice.userId)).toBe(false);
    // Gone for others: no mail is taken for her; her name is anyone's.
    expect(
      await bob.socket.emitWithAck('mail:send', {
        to: alice.userId,
        id: randomId(),
        message: sealedMessage(),
      }),
    ).toMatchObject({ ok: false, error: { code: 'not-found' } });
    await person(server, alice.name);
  });

  it('in a room shared with others: they are told, and only its signed log still names her', async () => {
    deployment = await deploy();
    const { server } = deployment;
    const alice = await person(server, newName('Alice'));
    const bob = await person(server, newName('Bob'));
    const carol = await person(server, newName('Carol'));
    // Bob's room: Alice joined; she invited Carol, who has not answered.
    let room = await invite(bob, await createRoom(bob), alice);
    const prev = readRoomLog(room.roomId, room.log).state?.hashes.at(-1) ?? '';
    const join = signRoomEntry(alice.keys, room.roomId, {
      op: 'join',
      subject: 'invite',
      at: Date.now(),
      prev,
    });
    room =
      data(await alice.socket.emitWithAck('room:append', { roomId: room.roomId, entry: join })).room ?? room;
    room = await invite(alice, room, carol);

    const updated = next(bob.socket, 'room:updated');
    const carolRemoved = next(carol.socket, 'room:removed');
    expect(await request(alice, 'account:delete')).toMatchObject({ ok: true });
    expect(await updated).toMatchObject({ members: [{ userId: bob.userId }], invited: [] });
    expect(await carolRemoved).toEqual({ roomId: room.roomId }); // her invitation lapsed with the inviter
    const kept = await server.stores.rooms.get(room.roomId);
    expect(kept).toMatchObject({ members: [{ userId: bob.userId }], invited: [] });
    // Outside the log's signed entries (a chain each member holds and checks), nothing names her.
    const unsigned = JSON.stringify({ ...kept, log: [] });
    for (const trace of tracesOf(alice)) expect(unsigned).not.toContain(trace);
    expect(await server.stores.rooms.listFor(alice.userId)).toEqual([]);
  });
});

describe.each(deployments)('%s: releasing a name', (_name, deploy) => {
  let deployment: Deployment | undefined;
  afterEach(async () => {
    const ending = deployment;
    deployment = undefined;
    if (ending) await shutDown(ending.server, () => ending.close());
  });

  it('frees it for another key, with nothing left mapping it to the old one; the key keeps the rest', async () => {
    deployment = await deploy();
    const { server } = deployment;
    const alice = await person(server, newName('Alice'));
    const bob = await person(server, newName('Bob'));
    data(await alice.socket.emitWithAck('prekeys:publish', prekeys(alice.keys)));
    data(
      await bob.socket.emitWithAck('mail:send', {
        to: alice.userId,
        id: randomId(),
        message: sealedMessage(),
      }),
    );
    const room = await invite(alice, await createRoom(alice), bob);
    const firstSeen = await server.stores.accounts.firstSeen(alice.userId);
    const token = await makeContacts(alice.socket, bob.socket);

    const gone = next(bob.socket, 'presence:offline');
    const disconnected = closed(alice.socket);
    expect(await request(alice, 'account:release-name')).toEqual({ ok: true, data: { released: true } });
    await disconnected;
    expect(await gone).toEqual({ token });
    const name = [alice.name, nameKey(alice.name), nameSkeleton(alice.name)];
    const released = await deployment.dump();
    for (const trace of name) expect(released).not.toContain(trace);

    const carol = await person(server, alice.name); // a new key takes it
    expect(await server.stores.accounts.lookup(alice.name)).toBe(carol.userId);
    const taken = await deployment.dump();
    for (const line of taken.split('\n').filter((text) => text.includes(nameKey(alice.name))))
      expect(line).not.toContain(alice.userId);

    // Alice's key signs in again under another name and finds what it had: mail, prekeys, the room, its age.
    const again = await person(server, newName('Alice'), alice.keys);
    expect(data(await again.socket.emitWithAck('mail:fetch', {})).items).toHaveLength(1);
    expect(
      data(await bob.socket.emitWithAck('prekeys:claim', { userId: alice.userId })).oneTimePrekey,
    ).toBeDefined();
    expect(data(await again.socket.emitWithAck('room:list', {})).rooms.map((r) => r.roomId)).toEqual([
      room.roomId,
    ]);
    expect(await server.stores.accounts.firstSeen(alice.userId)).toBe(firstSeen);
  });
});

describe('account requests are signed and rate-limited', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    const ending = server;
    server = undefined;
    if (ending) await shutDown(ending, () => ending.close());
  });

  it('refuses them without a session, a challenge, the right action, origin or key; each challenge works once', async () => {
    server = await startTestServer();
    const stranger = await connect(server.url);
    sockets.push(stranger);
    expect(
      await stranger.emitWithAck('account:delete', {
        origin: originOf(stranger),
        challenge: encodeBytes(new Uint8Array(32)),
        signature: encodeBytes(new Uint8Array(64)),
      }),
    ).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });

    const alice = await person(server, newName('Alice'));
    await alice.socket.emitWithAck('session:challenge', {}); // one is issued, and another answered
    const refusals = [
      await request(alice, 'account:delete', { challenge: encodeBytes(new Uint8Array(32).fill(1)) }),
      await request(alice, 'account:delete', { action: 'release-name' }),
      await request(alice, 'account:release-name', { action: 'delete-account' }),
      await request(alice, 'account:delete', { origin: 'https://other.example.org' }),
      await request(alice, 'account:delete', { keys: createIdentityKeys() }),
    ];
    for (const refusal of refusals)
      expect(refusal).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(refusals.map((refusal) => !refusal.ok && refusal.error.message)).toEqual([
      expect.stringContaining('was not issued to this connection'),
      expect.stringContaining('signature does not match'),
      expect.stringContaining('signature does not match'),
      expect.stringContaining('not for this server'),
      expect.stringContaining('signature does not match'),
    ]);
    // A refused answer spent its challenge: signed correctly afterwards, it is refused too.
    const { challenge } = data(await alice.socket.emitWithAck('session:challenge', {}));
    await request(alice, 'account:delete', { challenge, keys: createIdentityKeys() });
    const replayed = await request(alice, 'account:delete', { challenge });
    expect(!replayed.ok && replayed.error.message).toContain('ask for a challenge first');
    expect(await server.stores.accounts.lookup(alice.name)).toBe(alice.userId);
    expect(await request(alice, 'account:delete')).toMatchObject({ ok: true });
  });

  it(`counts them among the costly requests: past ${MAX_COSTLY_SOCKET_EVENTS} a window they are refused unread`, async () => {
    server = await startTestServer();
    const alice = await person(server, newName('Alice'));
    const junk = {
      origin: originOf(alice.socket),
      challenge: encodeBytes(new Uint8Array(32)),
      signature: encodeBytes(new Uint8Array(64)),
    };
    // In batches under the general event rate, a second apart, so only the costly budget refuses any.
    const batch = Math.floor(MAX_SOCKET_EVENTS_PER_SECOND * 0.75);
    const codes: string[] = [];
    for (let sent = 0; sent <= MAX_COSTLY_SOCKET_EVENTS; sent += batch) {
      if (sent > 0) await new Promise((resolve) => setTimeout(resolve, 1_100));
      const count = Math.min(batch, MAX_COSTLY_SOCKET_EVENTS + 1 - sent);
      const answers = await Promise.all(
        Array.from({ length: count }, () => alice.socket.emitWithAck('account:release-name', junk)),
      );
      codes.push(...answers.map((answer) => (answer.ok ? 'ok' : answer.error.code)));
    }
    expect(codes.filter((code) => code === 'unauthenticated')).toHaveLength(MAX_COSTLY_SOCKET_EVENTS);
    expect(codes.at(-1)).toBe('rate-limited');
    expect(await server.stores.accounts.lookup(alice.name)).toBe(alice.userId);
  });
});
