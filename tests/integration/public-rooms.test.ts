import { describe, expect, it } from 'vitest';
import { decodeBytes, encodeBytes } from '../../shared/crypto/identity';
import { readRoomLog } from '../../shared/crypto/room-log';
import type { Result } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import {
  MAX_LISTED_ROOMS_PER_USER,
  MAX_ROOM_BROWSES_PER_MINUTE,
  MAX_ROOM_LISTINGS_PER_WINDOW,
} from '../../shared/limits';
import type { Room, RoomOp } from '../../shared/protocol/rooms';
import { signAccountRequest } from '../../extension/lib/crypto/account-requests';
import { createIdentityKeys, type IdentityKeys } from '../../extension/lib/crypto/identity';
import { newCodeSecret, roomCodeKeys, signRoomEntry } from '../../extension/lib/crypto/room-entries';
import { originOf, signIn } from '../support/identity';
import { next, useTestServer, type TestClient } from '../support/server';

const fixture = useTestServer();

interface TestUser {
  readonly socket: TestClient;
  readonly userId: string;
  readonly name: string;
  readonly keys: IdentityKeys;
}

async function user(name: string): Promise<TestUser> {
  const socket = await fixture.client();
  const keys = createIdentityKeys();
  const started = await signIn(socket, name, keys);
  if (!started.ok) throw new Error(started.error.message);
  return { socket, userId: started.data.self.userId, name, keys };
}

const data = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
};

const why = (result: Result<unknown>): string =>
  result.ok ? 'accepted' : `${result.error.code}: ${result.error.message}`;

const head = (room: Room): string => readRoomLog(room.roomId, room.log).state?.hashes.at(-1) ?? '';

async function create(by: TestUser, name: string): Promise<Room> {
  const roomId = `r${randomId()}`;
  const first = signRoomEntry(by.keys, roomId, { op: 'create', subject: name, at: Date.now(), prev: '' });
  return data(await by.socket.emitWithAck('room:create', { roomId, entry: first }));
}

async function append(by: TestUser, room: Room, op: RoomOp, subject = ''): Promise<Room> {
  const entry = signRoomEntry(by.keys, room.roomId, { op, subject, at: Date.now(), prev: head(room) });
  const after = data(await by.socket.emitWithAck('room:append', { roomId: room.roomId, entry })).room;
  if (!after) throw new Error('the room ended');
  return after;
}

/** Publishes a new code of `by`'s in the room (as the engine does to list it): its secret and the room after. */
async function publishCode(by: TestUser, room: Room): Promise<{ room: Room; secret: string }> {
  const secret = newCodeSecret();
  const after = await append(by, room, 'code', encodeBytes(roomCodeKeys(room.roomId, secret).publicKey));
  return { room: after, secret };
}

/** Lists the room as the engine does: a new code of the lister's own in the log, then its secret to the server. */
async function list(by: TestUser, room: Room): Promise<Result<{ roomId: string; listed: boolean }>> {
  const { secret } = await publishCode(by, room);
  return by.socket.emitWithAck('room:listing', { roomId: room.roomId, listed: true, secret });
}

const browse = async (by: TestUser, query?: string) =>
  data(await by.socket.emitWithAck('room:browse', query === undefined ? {} : { query }));

/** Joins with a code's secret, exactly as with any invite code: peek, then a join signed by joiner and code. */
async function joinWithCode(by: TestUser, roomId: string, secret: string) {
  const code = roomCodeKeys(roomId, secret);
  const subject = encodeBytes(code.publicKey);
  const peeked = await by.socket.emitWithAck('room:peek', { roomId, code: subject });
  if (!peeked.ok) return peeked;
  const entry = signRoomEntry(
    by.keys,
    roomId,
    { op: 'join', subject, at: Date.now(), prev: head(peeked.data) },
    code,
  );
  return by.socket.emitWithAck('room:append', { roomId, entry });
}

describe('public rooms on the server', () => {
  it('a listed room is found by name and joined: the joiner becomes a member through the signed log, and the members see the join', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const dave = await user('Dave');
    const room = await create(alice, 'Hikers of Oslo');
    const { secret } = await publishCode(alice, room);
    const withBob = data(await joinWithCode(bob, room.roomId, secret)).room;
    if (!withBob) throw new Error('no room');

    const { secret: own } = await publishCode(alice, withBob);
    const aliceTold = next(alice.socket, 'room:updated');
    expect(
      await alice.socket.emitWithAck('room:listing', { roomId: room.roomId, listed: true, secret: own }),
    ).toEqual({
      ok: true,
      data: { roomId: room.roomId, listed: true },
    });
    expect((await aliceTold).listed).toBe(true); // members see that the room is listed

    // Dave, who knows nobody, finds it by a word of its name, in any case.
    const found = await browse(dave, '  OSLO ');
    expect(found).toEqual({
      rooms: [{ roomId: room.roomId, name: 'Hikers of Oslo', members: 2 }],
      more: false,
    });
    expect(await browse(dave, 'oslo hikers')).toEqual({ rooms: [], more: false });

    const { secret: listed } = data(
      await dave.socket.emitWithAck('room:listed-code', { roomId: room.roomId }),
    );
    const aliceSees = next(alice.socket, 'room:updated');
    const bobSees = next(bob.socket, 'room:updated');
    const joined = data(await joinWithCode(dave, room.roomId, listed)).room;
    // The log, which every member checks, proves Dave a member: joined with the listed code, signed by him and it.
    const log = readRoomLog(room.roomId, joined?.log ?? []);
    expect(log.problem).toBeUndefined();
    expect(log.state?.members).toEqual([alice.userId, bob.userId, dave.userId]);
    expect(log.events.at(-1)).toMatchObject({
      op: 'join',
      actor: dave.userId,
      subject: encodeBytes(roomCodeKeys(room.roomId, listed).publicKey),
    });
    for (const seen of [await aliceSees, await bobSees])
      expect(readRoomLog(room.roomId, seen.log).state?.members).toContain(dave.userId);
    expect((await browse(dave, 'hikers')).rooms).toEqual([
      { roomId: room.roomId, name: 'Hikers of Oslo', members: 3 },
    ]);
  });

  it('the listing shows only the name and the member count: no member, no log, no code', async () => {
    const alice = await user('Alice');
    const stranger = await user('Stranger');
    const room = await create(alice, 'Quiet Readers');
    data(await list(alice, room));
    const answer = await stranger.socket.emitWithAck('room:browse', { query: 'readers' });
    // The raw answer, as it came over the wire (not as a schema would strip it).
    expect(answer).toEqual({
      ok: true,
      data: { rooms: [{ roomId: room.roomId, name: 'Quiet Readers', members: 1 }], more: false },
    });
    const text = JSON.stringify(answer);
    for (const trace of [alice.userId, 'Alice', encodeBytes(alice.keys.signing.publicKey)])
      expect(text).not.toContain(trace);
    // Browsing tells a stranger nothing more, and does not put them in the room.
    expect(data(await stranger.socket.emitWithAck('room:list', {})).rooms).toEqual([]);
  });

  it('an unlisted room is not found; unlisting removes a listed one and withdraws its code', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const carol = await user('Carol');
    const garden = await create(bob, 'Secret Garden');
    const hikers = await create(alice, 'Garden Hikers');
    expect((await browse(carol, 'garden')).rooms).toEqual([]);
    expect((await browse(carol)).rooms).toEqual([]);
    expect(why(await carol.socket.emitWithAck('room:listed-code', { roomId: garden.roomId }))).toMatch(
      /^not-found: /,
    );

    data(await list(alice, hikers));
    expect((await browse(carol, 'garden')).rooms.map((room) => room.name)).toEqual(['Garden Hikers']);
    // Carol takes the code but does not join yet.
    const { secret } = data(await carol.socket.emitWithAck('room:listed-code', { roomId: hikers.roomId }));

    const told = next(alice.socket, 'room:updated');
    expect(await alice.socket.emitWithAck('room:listing', { roomId: hikers.roomId, listed: false })).toEqual({
      ok: true,
      data: { roomId: hikers.roomId, listed: false },
    });
    expect((await told).listed).toBeUndefined();
    expect((await browse(carol, 'garden')).rooms).toEqual([]);
    expect(why(await carol.socket.emitWithAck('room:listed-code', { roomId: hikers.roomId }))).toMatch(
      /^not-found: /,
    );
    // The code it rode on is withdrawn: the server refuses it, even to whoever kept it.
    expect(why(await joinWithCode(carol, hikers.roomId, secret))).toMatch(/^not-found: room:peek: /);
  });

  it('only a member lists a room, with a new code of their own live in its log; once; any member unlists it', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const mallory = await user('Mallory');
    const room = await create(alice, 'Chess Club');
    const { room: coded, secret: aliceCode } = await publishCode(alice, room);
    data(await joinWithCode(bob, room.roomId, aliceCode));

    const listing = (by: TestUser, secret: string) =>
      by.socket.emitWithAck('room:listing', { roomId: room.roomId, listed: true, secret });
    expect(why(await listing(mallory, aliceCode))).toMatch(/only a member may list/);
    expect(why(await listing(bob, aliceCode))).toMatch(/a new invite code of your own/); // Alice's, not his
    expect(why(await listing(alice, newCodeSecret()))).toMatch(/a new invite code of your own/); // not in the log
    expect(
      why(await alice.socket.emitWithAck('room:listing', { roomId: `r${randomId()}`, listed: false })),
    ).toMatch(/^not-found: /);
    expect(data(await listing(alice, aliceCode)).listed).toBe(true);
    const current = data(await bob.socket.emitWithAck('room:list', {})).rooms[0] ?? coded;
    expect(why(await list(bob, current))).toMatch(/already listed/);
    // Bob may close what Alice opened; the withdrawn code does not list the room again.
    expect(
      data(await bob.socket.emitWithAck('room:listing', { roomId: room.roomId, listed: false })),
    ).toEqual({
      roomId: room.roomId,
      listed: false,
    });
    expect(why(await listing(alice, aliceCode))).toMatch(/a new invite code of your own/);
    // And the log's rules stand: a withdrawn code no longer lets anyone in.
    expect(why(await joinWithCode(mallory, room.roomId, aliceCode))).toMatch(/^not-found: /);
  });

  it('a listing ends when its lister leaves (their code dies with them), and when the room ends', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const room = await create(alice, 'Night Owls');
    const { secret } = await publishCode(alice, room);
    const withBob = data(await joinWithCode(bob, room.roomId, secret)).room;
    if (!withBob) throw new Error('no room');
    data(await list(alice, withBob));
    expect((await browse(bob, 'owls')).rooms).toHaveLength(1);
    const [now] = data(await bob.socket.emitWithAck('room:list', {})).rooms;
    if (!now) throw new Error('no room');
    await append(alice, now, 'leave');
    expect((await browse(bob, 'owls')).rooms).toEqual([]);

    const [left] = data(await bob.socket.emitWithAck('room:list', {})).rooms;
    if (!left) throw new Error('no room');
    data(await list(bob, left));
    expect((await browse(alice, 'owls')).rooms).toEqual([
      { roomId: room.roomId, name: 'Night Owls', members: 1 },
    ]);
    const [last] = data(await bob.socket.emitWithAck('room:list', {})).rooms;
    if (!last) throw new Error('no room');
    const entry = signRoomEntry(bob.keys, room.roomId, {
      op: 'leave',
      subject: '',
      at: Date.now(),
      prev: head(last),
    });
    data(await bob.socket.emitWithAck('room:append', { roomId: room.roomId, entry }));
    expect((await browse(alice, 'owls')).rooms).toEqual([]);
  });

  it('deleting the account of the one who listed a room withdraws the listing; the room stays with the others', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const room = await create(alice, 'Book Swap');
    const { secret } = await publishCode(alice, room);
    const withBob = data(await joinWithCode(bob, room.roomId, secret)).room;
    if (!withBob) throw new Error('no room');
    data(await list(alice, withBob));
    expect((await browse(bob, 'book')).rooms).toHaveLength(1);

    const { challenge } = data(await alice.socket.emitWithAck('session:challenge', {}));
    const origin = originOf(alice.socket);
    const signature = signAccountRequest(alice.keys, {
      origin,
      challenge: decodeBytes(challenge),
      action: 'delete-account',
    });
    data(await alice.socket.emitWithAck('account:delete', { origin, challenge, signature }));
    expect((await browse(bob, 'book')).rooms).toEqual([]);
    expect(why(await bob.socket.emitWithAck('room:listed-code', { roomId: room.roomId }))).toMatch(
      /^not-found: /,
    );
    expect((await fixture.server.stores.rooms.get(room.roomId))?.members.map((m) => m.userId)).toEqual([
      bob.userId,
    ]);
  });

  it(`rate-limits listing: ${MAX_LISTED_ROOMS_PER_USER} rooms listed at once per user, ${MAX_ROOM_LISTINGS_PER_WINDOW} listings an hour`, async () => {
    const alice = await user('Alice');
    const rooms = [];
    for (let index = 0; index <= MAX_LISTED_ROOMS_PER_USER; index++)
      rooms.push(await create(alice, `Room ${index}`));
    for (const room of rooms.slice(0, MAX_LISTED_ROOMS_PER_USER)) data(await list(alice, room));
    const last = rooms.at(-1);
    if (!last) throw new Error('no room');
    expect(why(await list(alice, last))).toMatch(
      new RegExp(`^quota-exceeded: room:listing: you have ${MAX_LISTED_ROOMS_PER_USER} rooms listed`),
    );
    expect((await browse(alice)).rooms).toHaveLength(MAX_LISTED_ROOMS_PER_USER);

    // Listing and unlisting one room again and again: each listing counts, up to the hour's budget.
    const first = rooms[0];
    if (!first) throw new Error('no room');
    let room: Room = first;
    const unlist = async () =>
      data(await alice.socket.emitWithAck('room:listing', { roomId: first.roomId, listed: false }));
    await unlist();
    // Listings so far this hour: MAX_LISTED_ROOMS_PER_USER (the one refused past the cap is not counted).
    for (let count = MAX_LISTED_ROOMS_PER_USER; count < MAX_ROOM_LISTINGS_PER_WINDOW; count++) {
      [room] = data(await alice.socket.emitWithAck('room:list', {})).rooms.filter(
        (r) => r.roomId === first.roomId,
      ) as [Room];
      data(await list(alice, room));
      await unlist();
    }
    [room] = data(await alice.socket.emitWithAck('room:list', {})).rooms.filter(
      (r) => r.roomId === first.roomId,
    ) as [Room];
    expect(why(await list(alice, room))).toMatch(/^rate-limited: room:listing: at most \d+ listings an hour/);
  });

  it(`rate-limits searching: ${MAX_ROOM_BROWSES_PER_MINUTE} browses and listed codes a minute on one connection`, async () => {
    const alice = await user('Alice');
    const room = await create(alice, 'Busy Room');
    data(await list(alice, room));
    for (let index = 0; index < MAX_ROOM_BROWSES_PER_MINUTE - 1; index++) await browse(alice, 'busy');
    data(await alice.socket.emitWithAck('room:listed-code', { roomId: room.roomId }));
    expect(why(await alice.socket.emitWithAck('room:browse', { query: 'busy' }))).toMatch(
      /^rate-limited: room:browse: at most \d+ searches of public rooms a minute/,
    );
    expect(why(await alice.socket.emitWithAck('room:listed-code', { roomId: room.roomId }))).toMatch(
      /^rate-limited: /,
    );
    // Another connection is not held back by this one.
    const bob = await user('Bob');
    expect((await browse(bob, 'busy')).rooms).toHaveLength(1);
  });

  it('refuses malformed browsing: a query longer than a name, an offset past the limit', async () => {
    const alice = await user('Alice');
    expect(why(await alice.socket.emitWithAck('room:browse', { query: 'x'.repeat(33) }))).toMatch(
      /^invalid-payload: room:browse: query: must be at most 32 characters/,
    );
    expect(why(await alice.socket.emitWithAck('room:browse', { offset: 1_000_000 }))).toMatch(
      /^invalid-payload: room:browse: offset: /,
    );
  });
});
