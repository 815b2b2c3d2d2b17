import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../../shared/crypto/identity';
import { applyRoomEntry, readRoomLog } from '../../../shared/crypto/room-log';
import { ErrorCode } from '../../../shared/errors';
import { randomId, type UserId } from '../../../shared/ids';
import type { Room, RoomEntry, RoomOp } from '../../../shared/protocol/rooms';
import type { RequestPayload, ResponseMap } from '../../../shared/protocol/socket';
import { createIdentityKeys, userIdOfKeys, type IdentityKeys } from '../../../extension/lib/crypto/identity';
import { roomCodeKeys, signRoomEntry } from '../../../extension/lib/crypto/room-entries';
import { EngineError } from '../../../extension/lib/errors';
import {
  createRoomMembership,
  type RoomEvent,
  type RoomMembership,
} from '../../../extension/lib/engine/room-membership';
import type { LocalRoom, LocalRoomStore } from '../../../extension/lib/storage/room-store';

interface Person {
  readonly name: string;
  readonly keys: IdentityKeys;
  readonly userId: UserId;
}
const person = (name: string, keys = createIdentityKeys()): Person => ({
  name,
  keys,
  userId: userIdOfKeys(keys),
});

/** A room server that keeps logs and applies the shared rules, as the real one does (its handlers are tested apart). */
function fakeServer(people: Person[]) {
  const rooms = new Map<string, Room>();
  const nameOf = (userId: UserId) => people.find((p) => p.userId === userId)?.name ?? 'unknown';
  const roomOf = (roomId: string, log: readonly RoomEntry[]): Room => {
    const state = readRoomLog(roomId, log).state;
    return {
      roomId,
      members: (state?.members ?? []).map((userId) => ({ userId, name: nameOf(userId) })),
      invited: [...(state?.invited ?? [])].map(([userId, by]) => ({ userId, name: nameOf(userId), by })),
      log: [...log],
    };
  };
  const refuse = (reason: string): never => {
    throw new EngineError(ErrorCode.InvalidPayload, reason);
  };
  /** Appends one entry as the server would (no checks of who sends it: the rules are the point here). */
  const append = (roomId: string, entry: RoomEntry): Room | undefined => {
    const known = rooms.get(roomId) ?? refuse('no such room');
    const applied = applyRoomEntry(readRoomLog(roomId, known.log).state, roomId, entry);
    if (!applied.ok) return refuse(applied.reason);
    const room = roomOf(roomId, [...known.log, entry]);
    if (applied.state.members.length === 0) rooms.delete(roomId);
    else rooms.set(roomId, room);
    return applied.state.members.length === 0 ? undefined : room;
  };
  const requestAs =
    (self: Person) =>
    async <E extends RoomEvent>(event: E, payload: RequestPayload<E>): Promise<ResponseMap[E]> => {
      const answer = (): unknown => {
        // Each event reads the fields its schema has.
        const p = payload as unknown as { roomId: string; entry: RoomEntry; name: string };
        switch (event) {
          case 'room:create': {
            const room = roomOf(p.roomId, [p.entry]);
            rooms.set(p.roomId, room);
            return room;
          }
          case 'room:append': {
            const room = append(p.roomId, p.entry);
            return room ? { roomId: p.roomId, room } : { roomId: p.roomId };
          }
          case 'room:invitee':
            return { userId: people.find((other) => other.name === p.name)?.userId };
          case 'room:peek':
            return rooms.get(p.roomId);
          default:
            return {
              rooms: [...rooms.values()].filter((room) =>
                [...room.members, ...room.invited].some((x) => x.userId === self.userId),
              ),
            };
        }
      };
      return answer() as ResponseMap[E];
    };
  return { rooms, append, requestAs };
}

function memoryStore(): LocalRoomStore & { readonly kept: Map<string, LocalRoom> } {
  const kept = new Map<string, LocalRoom>();
  return {
    kept,
    all: async () => [...kept.values()],
    put: async (room) => void kept.set(room.room.roomId, room),
    remove: async (roomId) => void kept.delete(roomId),
  };
}

function membership(self: Person, server: ReturnType<typeof fakeServer>, store = memoryStore()) {
  let at = 1_000;
  const rooms: RoomMembership = createRoomMembership({
    keys: self.keys,
    selfId: self.userId,
    store,
    request: server.requestAs(self),
    pinnedUser: () => undefined,
    nameOf: () => undefined,
    now: () => at++,
    changed: () => undefined,
  });
  return { rooms, store };
}

const texts = (rooms: RoomMembership, roomId: string) =>
  rooms.views(() => true).find((view) => view.roomId === roomId);

describe('room membership (engine)', () => {
  it('builds a room through the server with signed entries, and shows each change in its timeline', async () => {
    const [alice, bob, carol, dave] = ['Alice', 'Bob', 'Carol', 'Dave'].map((name) => person(name));
    if (!alice || !bob || !carol || !dave) throw new Error('people');
    const server = fakeServer([alice, bob, carol, dave]);
    const a = membership(alice, server);
    const b = membership(bob, server);
    const c = membership(carol, server);
    const d = membership(dave, server);

    const roomId = await a.rooms.create('Trip');
    const code = texts(a.rooms, roomId)?.inviteCode;
    expect(code).toMatch(new RegExp(`^room:${roomId}:[0-9a-f]{32}$`));
    await a.rooms.invite(roomId, 'Bob');
    await a.rooms.invite(roomId, 'Dave');
    // What the server pushes (room:updated) to Alice after each change.
    const pushed = async () => a.rooms.sync((await server.requestAs(alice)('room:list', {})).rooms);
    await c.rooms.join({ roomId, secret: code?.split(':')[2] ?? '' });
    await pushed();
    await b.rooms.take((await server.requestAs(bob)('room:list', {})).rooms[0] as Room);
    await b.rooms.join({ roomId });
    await d.rooms.take((await server.requestAs(dave)('room:list', {})).rooms[0] as Room);
    await d.rooms.leave(roomId); // declines
    await c.rooms.leave(roomId);
    await pushed();

    const view = texts(a.rooms, roomId);
    expect(view?.members.map((member) => member.name)).toEqual(['Alice', 'Bob']);
    expect(view?.warnings).toEqual([]);
    expect(view?.timeline.map((line) => line.text)).toEqual([
      'Alice created the room "Trip"',
      'Alice invited Bob',
      'Alice invited Dave',
      'Carol joined with an invite code from Alice',
      'Bob accepted the invitation',
      'Dave declined the invitation',
      'Carol left',
    ]);
    expect(a.rooms.recipients(roomId)).toEqual([bob.userId]);
    // Bob makes a code of his own when he wants one (joining made none); it is his to show.
    await b.rooms.sync((await server.requestAs(bob)('room:list', {})).rooms);
    expect(texts(b.rooms, roomId)?.inviteCode).toBeUndefined();
    await b.rooms.makeCode(roomId);
    expect(texts(b.rooms, roomId)?.inviteCode).toMatch(new RegExp(`^room:${roomId}:[0-9a-f]{32}$`));
    expect(texts(b.rooms, roomId)?.inviteCode).not.toBe(code);
    expect(d.rooms.has(roomId) || c.rooms.has(roomId)).toBe(false);
    // The code secret stays on this profile; the server's copy of the room holds only public keys.
    expect(JSON.stringify([...server.rooms.values()])).not.toContain(code?.split(':')[2]);
  }, 30_000); // some fifty Ed25519 operations in JavaScript, on a busy machine

  it('signs again on the new head when another member’s entry came first', async () => {
    const [alice, bob, carol] = ['Alice', 'Bob', 'Carol'].map((name) => person(name));
    if (!alice || !bob || !carol) throw new Error('people');
    const server = fakeServer([alice, bob, carol]);
    const a = membership(alice, server);
    const roomId = await a.rooms.create('Race');
    await a.rooms.invite(roomId, 'Bob');
    // Bob joins, and Alice's engine has not heard of it yet.
    const head = readRoomLog(roomId, server.rooms.get(roomId)?.log ?? []).state?.hashes.at(-1) ?? '';
    server.append(
      roomId,
      signRoomEntry(bob.keys, roomId, { op: 'join', subject: 'invite', at: 5, prev: head }),
    );
    await a.rooms.invite(roomId, 'Carol');
    expect(
      texts(a.rooms, roomId)
        ?.timeline.map((line) => line.text)
        .slice(-2),
    ).toEqual(['Bob accepted the invitation', 'Alice invited Carol']);
  });

  it('keeps the log it checked when the server sends one that rewrites it, flags a name back with another key, and trusts its own vault on load', async () => {
    const [alice, bob] = ['Alice', 'Bob'].map((name) => person(name));
    const newBob = person('Bob');
    if (!alice || !bob) throw new Error('people');
    const server = fakeServer([alice, bob, newBob]);
    const a = membership(alice, server);
    const roomId = await a.rooms.create('Trip');
    const secret = texts(a.rooms, roomId)?.inviteCode?.split(':')[2] ?? '';
    const code = roomCodeKeys(roomId, secret);
    const joinAs = (who: Person, op: RoomOp) => {
      const head = readRoomLog(roomId, server.rooms.get(roomId)?.log ?? []).state?.hashes.at(-1) ?? '';
      const subject = op === 'join' ? encodeBytes(code.publicKey) : '';
      return server.append(
        roomId,
        signRoomEntry(who.keys, roomId, { op, subject, at: 9, prev: head }, op === 'join' ? code : undefined),
      );
    };
    await a.rooms.take(joinAs(bob, 'join') as Room);
    const before = server.rooms.get(roomId) as Room;
    await a.rooms.take(joinAs(bob, 'leave') as Room);
    // Someone named Bob again, with another key: the name is the same, the person may not be.
    const newBobIn = joinAs(newBob, 'join') as Room;
    await a.rooms.take(newBobIn);
    expect(texts(a.rooms, roomId)?.timeline.at(-1)?.text).toBe(
      'Bob joined with an invite code from Alice (with another identity key than before: compare safety numbers)',
    );

    // An older state (a push overtaken by a newer answer) is only stale: nothing changes, nothing to warn of.
    await a.rooms.take(before);
    expect(texts(a.rooms, roomId)?.warnings).toEqual([]);
    expect(a.rooms.recipients(roomId)).toEqual([newBob.userId]);

    // Another history from the point where the first Bob was still in (an entry Bob really signed there, which
    // lost the race to his leave): it would drop the leave and the new Bob's join. Not taken.
    const head = readRoomLog(roomId, before.log).state?.hashes.at(-1) ?? '';
    const otherCode = encodeBytes(roomCodeKeys(roomId, randomId()).publicKey);
    const branch = signRoomEntry(bob.keys, roomId, { op: 'code', subject: otherCode, at: 10, prev: head });
    await a.rooms.take({ ...before, log: [...before.log, branch] });
    const view = texts(a.rooms, roomId);
    expect(view?.warnings).toEqual([
      'The server sent a membership log that rewrites the one checked before: it was not taken',
    ]);
    expect(a.rooms.recipients(roomId)).toEqual([newBob.userId]);

    // A profile reopened from the vault has the same rooms (what it checked is not checked again).
    const reopened = membership(alice, server, a.store);
    await reopened.rooms.load();
    expect(reopened.rooms.recipients(roomId)).toEqual([newBob.userId]);
    expect(a.store.kept.get(roomId)?.verified).toBe(newBobIn.log.length);
  }, 30_000);

  it('ignores a room whose log does not show this profile in it, and joins only with a live code', async () => {
    const [alice, mallory] = ['Alice', 'Mallory'].map((name) => person(name));
    if (!alice || !mallory) throw new Error('people');
    const server = fakeServer([alice, mallory]);
    const a = membership(alice, server);
    const m = membership(mallory, server);
    const roomId = await a.rooms.create('Closed');
    // The server pushes Alice's room to Mallory, listing her as a member: her engine does not take it.
    const room = server.rooms.get(roomId) as Room;
    await m.rooms.take({ ...room, members: [...room.members, { userId: mallory.userId, name: 'Mallory' }] });
    expect(m.rooms.has(roomId)).toBe(false);
    await expect(m.rooms.join({ roomId, secret: randomId() })).rejects.toThrow(
      'This invite is not valid (ask a member for a new one)',
    );
  });
});
