import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../shared/crypto/identity';
import { readRoomLog } from '../../shared/crypto/room-log';
import type { Result } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import {
  MAX_PENDING_INVITATIONS_PER_INVITEE,
  MAX_PENDING_INVITATIONS_PER_INVITER,
  MAX_ROOMS_PER_USER,
} from '../../shared/limits';
import type { Room, RoomEntry, RoomOp } from '../../shared/protocol/rooms';
import { createIdentityKeys, type IdentityKeys } from '../../extension/lib/crypto/identity';
import { newCodeSecret, roomCodeKeys, signRoomEntry } from '../../extension/lib/crypto/room-entries';
import { signIn } from '../support/identity';
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

const head = (room: Room): string => readRoomLog(room.roomId, room.log).state?.hashes.at(-1) ?? '';

/** An entry by `by` that follows `room`'s log as it is (or names `prev`). */
const entry = (by: TestUser, room: Room, op: RoomOp, subject = '', prev = head(room)): RoomEntry =>
  signRoomEntry(by.keys, room.roomId, { op, subject, at: Date.now(), prev });

async function create(by: TestUser, name: string): Promise<Room> {
  const roomId = `r${randomId()}`;
  const first = signRoomEntry(by.keys, roomId, { op: 'create', subject: name, at: Date.now(), prev: '' });
  return data(await by.socket.emitWithAck('room:create', { roomId, entry: first }));
}

async function append(by: TestUser, room: Room, op: RoomOp, subject = '', name?: string) {
  return by.socket.emitWithAck('room:append', {
    roomId: room.roomId,
    entry: entry(by, room, op, subject),
    ...(name ? { name } : {}),
  });
}

async function invite(by: TestUser, room: Room, invitee: TestUser): Promise<Result<{ room?: Room }>> {
  return append(by, room, 'invite', invitee.userId, invitee.name);
}

/** Publishes a code in `room` (by a member) and returns its secret: what members pass around. */
async function publishCode(by: TestUser, room: Room): Promise<{ room: Room; secret: string }> {
  const secret = newCodeSecret();
  const code = encodeBytes(roomCodeKeys(room.roomId, secret).publicKey);
  const after = data(await append(by, room, 'code', code)).room;
  if (!after) throw new Error('the room ended');
  return { room: after, secret };
}

/** Joins with a code's secret: the join is signed by the joiner and by the code's key. */
async function joinWithCode(by: TestUser, room: Room, secret: string) {
  const code = roomCodeKeys(room.roomId, secret);
  const subject = encodeBytes(code.publicKey);
  const peeked = data(await by.socket.emitWithAck('room:peek', { roomId: room.roomId, code: subject }));
  const signed = signRoomEntry(
    by.keys,
    room.roomId,
    { op: 'join', subject, at: Date.now(), prev: head(peeked) },
    code,
  );
  return by.socket.emitWithAck('room:append', { roomId: room.roomId, entry: signed });
}

/** A refusal as `code: message`, to compare with what is expected. */
const why = (result: Result<unknown>): string =>
  result.ok ? 'accepted' : `${result.error.code}: ${result.error.message}`;

const members = (room: Room | undefined) => room?.members.map((member) => member.name);

describe('rooms on the server', () => {
  it('creates a room from a signed entry, takes a signed invitation, and the invitee’s signed join; everyone concerned is told', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const room = await create(alice, 'Hikers');
    expect(room).toMatchObject({ members: [{ userId: alice.userId, name: 'Alice' }], invited: [] });
    expect(readRoomLog(room.roomId, room.log).state?.name).toBe('Hikers');

    const told = next(bob.socket, 'room:updated');
    const invited = data(await invite(alice, room, bob)).room;
    const seenByBob: Room = await told;
    expect(seenByBob.invited).toEqual([{ userId: bob.userId, name: 'Bob', by: alice.userId }]);
    expect(data(await bob.socket.emitWithAck('room:list', {})).rooms.map((r) => r.roomId)).toEqual([
      room.roomId,
    ]);

    const aliceTold = next(alice.socket, 'room:updated');
    if (!invited) throw new Error('no room');
    const joined = data(await append(bob, invited, 'join', 'invite')).room;
    expect(members(joined)).toEqual(['Alice', 'Bob']);
    expect(joined?.invited).toEqual([]);
    expect(members(await aliceTold)).toEqual(['Alice', 'Bob']);
    // What the server hands out, any client can check: the log proves the same two members.
    expect(readRoomLog(room.roomId, joined?.log ?? []).state?.members).toEqual([alice.userId, bob.userId]);
  });

  it('lets anyone with an invite code join (the server only ever sees its public key), and no one without it', async () => {
    const alice = await user('Alice');
    const carol = await user('Carol');
    const mallory = await user('Mallory');
    const { room, secret } = await publishCode(alice, await create(alice, 'Book club'));
    expect(JSON.stringify(room)).not.toContain(secret);

    // A made-up code: nothing to peek at, and a join naming it is refused.
    const wrong = await joinWithCode(mallory, room, newCodeSecret()).catch((error: unknown) => error);
    expect(String(wrong)).toContain('this invite is not valid');
    // The published code's public key without its secret: no code signature, no entry.
    const code = encodeBytes(roomCodeKeys(room.roomId, secret).publicKey);
    expect(why(await append(mallory, room, 'join', code))).toContain(
      'invalid-payload: room:append: the entry was refused: a join with a code is signed with the code',
    );
    expect(why(await invite(mallory, room, carol))).toContain('only a member may invite');

    const joined = data(await joinWithCode(carol, room, secret)).room;
    expect(members(joined)).toEqual(['Alice', 'Carol']);
    expect(JSON.stringify(fixture.server.logs)).not.toContain(secret);
  });

  it('lets members leave and invitees decline; the others are told; the last one out ends the room', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const dave = await user('Dave');
    const { room: withCode, secret } = await publishCode(alice, await create(alice, 'Short-lived'));
    const room = data(await joinWithCode(bob, withCode, secret)).room;
    if (!room) throw new Error('no room');
    const invitedDave = data(await invite(alice, room, dave)).room;
    if (!invitedDave) throw new Error('no room');
    const declined = data(await append(dave, invitedDave, 'leave')).room;
    expect(declined?.invited).toEqual([]);

    const removed = next(bob.socket, 'room:removed');
    const aliceTold = next(alice.socket, 'room:updated');
    if (!declined) throw new Error('no room');
    const afterBob = data(await append(bob, declined, 'leave')).room;
    expect(await removed).toEqual({ roomId: room.roomId });
    expect(members(await aliceTold)).toEqual(['Alice']);
    if (!afterBob) throw new Error('no room');
    expect(data(await append(alice, afterBob, 'leave'))).toEqual({ roomId: room.roomId });
    expect(await fixture.server.stores.rooms.get(room.roomId)).toBeUndefined();
    expect(await append(alice, afterBob, 'leave')).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('refuses an entry with a bad signature, one replayed from another room, one off the chain, and one in someone else’s name', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const mallory = await user('Mallory');
    const room = await create(alice, 'Guarded');
    const other = await create(alice, 'Other');
    const refusedWith = (reason: string) => new RegExp(`^invalid-payload: room:append: .*${reason}`);
    const send = async (by: TestUser, signed: RoomEntry, name?: string) =>
      why(
        await by.socket.emitWithAck('room:append', {
          roomId: room.roomId,
          entry: signed,
          ...(name ? { name } : {}),
        }),
      );

    // Alice's invitation for Mallory, its subject changed after signing.
    const honest = entry(alice, room, 'invite', bob.userId);
    expect(await send(alice, { ...honest, subject: mallory.userId }, 'Mallory')).toMatch(
      refusedWith('signature is not valid'),
    );
    // Alice's real invitation of Mallory into another room, replayed here (the head made to match).
    const elsewhere = entry(alice, other, 'invite', mallory.userId, head(room));
    expect(await send(alice, elsewhere, 'Mallory')).toMatch(refusedWith('signature is not valid'));
    // A valid signature over a `prev` that is not the room's head: it would rewrite history.
    const offChain = entry(alice, room, 'invite', mallory.userId, encodeBytes(new Uint8Array(32)));
    expect(await send(alice, offChain, 'Mallory')).toMatch(refusedWith('broken chain'));
    // Mallory sending Alice's (valid) entry: entries are appended by their own signer only.
    expect(await send(mallory, honest, 'Bob')).toMatch(refusedWith('identity key of this session'));
    // Mallory joining on her own say-so.
    expect(await send(mallory, entry(mallory, room, 'join', 'invite'))).toMatch(refusedWith('not invited'));
    // A second create.
    const again = signRoomEntry(alice.keys, room.roomId, { op: 'create', subject: 'X', at: 1, prev: '' });
    expect(
      await alice.socket.emitWithAck('room:create', { roomId: room.roomId, entry: again }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });

    const stored = await fixture.server.stores.rooms.get(room.roomId);
    expect(stored?.log).toHaveLength(1);
    expect(members(stored)).toEqual(['Alice']);
    expect(await send(alice, honest, 'Bob')).toBe('accepted');
  });

  it(`holds invitations apart from rooms: ${MAX_ROOMS_PER_USER}+ invitations from one identity never stop the invitee creating or joining rooms`, async () => {
    const mallory = await user('Mallory');
    const victim = await user('Victim');
    let accepted = 0;
    let refused = '';
    for (let i = 0; i <= MAX_ROOMS_PER_USER; i++) {
      const room = await create(mallory, `Spam ${i}`).catch(() => undefined);
      if (!room) break; // Mallory's own room quota
      const result = await invite(mallory, room, victim);
      if (result.ok) accepted++;
      else refused ||= why(result);
    }
    expect(accepted).toBe(MAX_PENDING_INVITATIONS_PER_INVITER);
    expect(refused).toBe(
      `quota-exceeded: room:append: you have ${MAX_PENDING_INVITATIONS_PER_INVITER} invitations waiting; wait until some are answered, or share an invite code`,
    );
    expect(await fixture.server.stores.rooms.counts(victim.userId)).toEqual({
      memberOf: 0,
      invitedTo: MAX_PENDING_INVITATIONS_PER_INVITER,
    });

    // More inviters fill the victim's invitations: then the inviters are refused, never the victim.
    let invitedTo = MAX_PENDING_INVITATIONS_PER_INVITER;
    let fullFor = '';
    while (fullFor === '') {
      const inviter = await user(`Inviter ${invitedTo}`);
      const room = await create(inviter, 'More spam');
      const result = await invite(inviter, room, victim);
      if (result.ok) invitedTo++;
      else fullFor = why(result);
    }
    expect(invitedTo).toBe(MAX_PENDING_INVITATIONS_PER_INVITEE);
    expect(fullFor).toBe(
      'quota-exceeded: room:append: Victim has too many invitations waiting; share an invite code with them instead',
    );

    // The victim still creates rooms, joins with a code, and accepts an invitation.
    const own = await create(victim, 'Mine');
    expect(members(own)).toEqual(['Victim']);
    const friend = await user('Friend');
    const { room: friendRoom, secret } = await publishCode(friend, await create(friend, 'Friends'));
    expect(members(data(await joinWithCode(victim, friendRoom, secret)).room)).toEqual(['Friend', 'Victim']);
    const invitation = data(await victim.socket.emitWithAck('room:list', {})).rooms.find(
      (room) => room.invited.length > 0,
    );
    if (!invitation) throw new Error('no invitation');
    expect(data(await append(victim, invitation, 'join', 'invite')).room?.members).toHaveLength(2);
    expect(await fixture.server.stores.rooms.counts(victim.userId)).toEqual({
      memberOf: 3,
      invitedTo: MAX_PENDING_INVITATIONS_PER_INVITEE - 1,
    });
  });

  it('refuses to invite someone unknown, and malformed requests', async () => {
    const alice = await user('Alice');
    const room = await create(alice, 'Quiet');
    const unknown = await alice.socket.emitWithAck('room:invitee', { name: 'Nobody' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(unknown.ok || unknown.error.message).toContain('nobody is called "Nobody"');
    const madeUp = await append(alice, room, 'invite', randomId(), 'Nobody');
    expect(madeUp).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const malformed = await alice.socket.emitWithAck('room:append', {
      roomId: room.roomId,
      entry: { ...entry(alice, room, 'leave'), op: 'kick' as RoomOp },
    });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });
});
