import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../../shared/crypto/identity';
import { applyRoomEntry, readRoomLog } from '../../../shared/crypto/room-log';
import { ErrorCode } from '../../../shared/errors';
import type { UserId } from '../../../shared/ids';
import type { Room, RoomEntry } from '../../../shared/protocol/rooms';
import type { RequestPayload, ResponseMap } from '../../../shared/protocol/socket';
import { createIdentityKeys, userIdOfKeys, type IdentityKeys } from '../../../extension/lib/crypto/identity';
import { roomCodeKeys } from '../../../extension/lib/crypto/room-entries';
import { EngineError } from '../../../extension/lib/errors';
import { createPublicRooms, type PublicRoomEvent } from '../../../extension/lib/engine/public-rooms';
import {
  createRoomMembership,
  type RoomEvent,
  type RoomMembership,
} from '../../../extension/lib/engine/room-membership';
import type { LocalRoom } from '../../../extension/lib/storage/room-store';

interface Person {
  readonly name: string;
  readonly keys: IdentityKeys;
  readonly userId: UserId;
}
const person = (name: string): Person => {
  const keys = createIdentityKeys();
  return { name, keys, userId: userIdOfKeys(keys) };
};

type Event = RoomEvent | PublicRoomEvent;

/**
 * A server that keeps logs under the shared rules and lists rooms as the real one does (its handlers are tested
 * in tests/integration/public-rooms.test.ts): a listing needs a live code of the lister's; unlisting withdraws it.
 */
function fakeServer(people: Person[]) {
  const rooms = new Map<string, Room>();
  const listings = new Map<string, { secret: string; code: string }>();
  const withdrawn = new Set<string>();
  const sent: { event: Event; payload: unknown }[] = [];
  const nameOf = (userId: UserId) => people.find((p) => p.userId === userId)?.name ?? 'unknown';
  const stateOf = (roomId: string) => readRoomLog(roomId, rooms.get(roomId)?.log ?? []).state;
  const roomOf = (roomId: string, log: readonly RoomEntry[]): Room => {
    const state = readRoomLog(roomId, log).state;
    return {
      roomId,
      members: (state?.members ?? []).map((userId) => ({ userId, name: nameOf(userId) })),
      invited: [],
      log: [...log],
      ...(listings.has(roomId) ? { listed: true } : {}),
    };
  };
  const refuse = (code: ErrorCode, reason: string): never => {
    throw new EngineError(code, reason);
  };
  const requestAs =
    (self: Person) =>
    async <E extends Event>(event: E, payload: RequestPayload<E>): Promise<ResponseMap[E]> => {
      sent.push({ event, payload });
      // Each event reads the fields its schema has.
      const p = payload as unknown as {
        roomId: string;
        entry: RoomEntry;
        code: string;
        listed: boolean;
        secret: string;
        query?: string;
      };
      const answer = (): unknown => {
        switch (event) {
          case 'room:create':
            rooms.set(p.roomId, roomOf(p.roomId, [p.entry]));
            return rooms.get(p.roomId);
          case 'room:append': {
            const known = rooms.get(p.roomId) ?? refuse(ErrorCode.NotFound, 'no such room');
            if (p.entry.op === 'join' && withdrawn.has(p.entry.subject))
              refuse(ErrorCode.InvalidPayload, 'this invite code was withdrawn');
            const applied = applyRoomEntry(stateOf(p.roomId), p.roomId, p.entry);
            if (!applied.ok) return refuse(ErrorCode.InvalidPayload, applied.reason);
            rooms.set(p.roomId, roomOf(p.roomId, [...known.log, p.entry]));
            return { roomId: p.roomId, room: rooms.get(p.roomId) };
          }
          case 'room:peek':
            if (withdrawn.has(p.code) || !stateOf(p.roomId)?.codes.has(p.code))
              refuse(ErrorCode.NotFound, 'this invite is not valid');
            return rooms.get(p.roomId);
          case 'room:listing': {
            if (!stateOf(p.roomId)?.members.includes(self.userId))
              refuse(ErrorCode.InvalidPayload, 'only a member may list or unlist a room');
            const listing = listings.get(p.roomId);
            if (!p.listed) {
              if (listing) withdrawn.add(listing.code);
              listings.delete(p.roomId);
            } else {
              const code = encodeBytes(roomCodeKeys(p.roomId, p.secret).publicKey);
              if (stateOf(p.roomId)?.codes.get(code) !== self.userId)
                refuse(ErrorCode.InvalidPayload, 'list the room with a new invite code of your own');
              listings.set(p.roomId, { secret: p.secret, code });
            }
            rooms.set(p.roomId, roomOf(p.roomId, rooms.get(p.roomId)?.log ?? []));
            return { roomId: p.roomId, listed: listings.has(p.roomId) };
          }
          case 'room:browse':
            return {
              rooms: [...listings.keys()].flatMap((roomId) => {
                const state = stateOf(roomId);
                if (!state || !state.name.toLowerCase().includes(p.query ?? '')) return [];
                return [{ roomId, name: state.name, members: state.members.length }];
              }),
              more: false,
            };
          case 'room:listed-code': {
            const listing = listings.get(p.roomId) ?? refuse(ErrorCode.NotFound, 'this room is not listed');
            return { roomId: p.roomId, secret: listing.secret };
          }
          default:
            return {
              rooms: [...rooms.values()].filter((room) => room.members.some((m) => m.userId === self.userId)),
            };
        }
      };
      return answer() as ResponseMap[E];
    };
  return { rooms, listings, sent, requestAs };
}

function engineOf(self: Person, server: ReturnType<typeof fakeServer>) {
  let at = 1_000;
  const kept = new Map<string, LocalRoom>();
  const rooms: RoomMembership = createRoomMembership({
    keys: self.keys,
    selfId: self.userId,
    store: {
      all: async () => [...kept.values()],
      put: async (room) => void kept.set(room.room.roomId, room),
      remove: async (roomId) => void kept.delete(roomId),
    },
    request: server.requestAs(self),
    pinnedUser: () => undefined,
    nameOf: () => undefined,
    now: () => at++,
    changed: () => undefined,
  });
  const request = server.requestAs(self);
  const publicRooms = createPublicRooms({ request, rooms: () => rooms });
  /** What the server pushes (room:updated) after a change. */
  const pushed = async () => rooms.sync((await request('room:list', {})).rooms);
  const view = (roomId: string) => rooms.views(() => true).find((room) => room.roomId === roomId);
  return { rooms, publicRooms, pushed, view };
}

describe('public rooms (engine)', () => {
  it('lists a room with a new code of its own, so the invite code it shows stays; unlisting sends no secret', async () => {
    const alice = person('Alice');
    const server = fakeServer([alice]);
    const a = engineOf(alice, server);
    const roomId = await a.rooms.create('Hikers of Oslo');
    const shown = a.view(roomId)?.inviteCode;

    await a.publicRooms.list(roomId, true);
    await a.pushed();
    const listing = server.listings.get(roomId);
    expect(listing?.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(shown).not.toContain(listing?.secret ?? '-');
    // The listed code is in the signed log as Alice's, like any code she publishes.
    expect(
      readRoomLog(roomId, server.rooms.get(roomId)?.log ?? []).state?.codes.get(listing?.code ?? ''),
    ).toBe(alice.userId);
    expect(a.view(roomId)).toMatchObject({ listed: true, inviteCode: shown });

    await a.publicRooms.list(roomId, false);
    await a.pushed();
    expect(server.sent.at(-2)).toEqual({ event: 'room:listing', payload: { roomId, listed: false } });
    expect(server.listings.has(roomId)).toBe(false);
    expect(a.view(roomId)?.listed).toBeUndefined();
  }, 30_000); // Ed25519 in JavaScript, on a busy machine

  it('refuses to list or unlist a room it is not a member of, asking the server nothing', async () => {
    const [alice, dave] = [person('Alice'), person('Dave')];
    const server = fakeServer([alice, dave]);
    const a = engineOf(alice, server);
    const d = engineOf(dave, server);
    const roomId = await a.rooms.create('Chess Club');
    const before = server.sent.length;
    for (const listed of [true, false])
      await expect(d.publicRooms.list(roomId, listed)).rejects.toThrow(/Join the room before listing/);
    expect(server.sent.length).toBe(before);
  });

  it('finds a listed room by name and joins it with its listed code: a signed join the log proves, seen by the members', async () => {
    const [alice, dave] = [person('Alice'), person('Dave')];
    const server = fakeServer([alice, dave]);
    const a = engineOf(alice, server);
    const d = engineOf(dave, server);
    const roomId = await a.rooms.create('Hikers of Oslo');
    await a.publicRooms.list(roomId, true);

    expect(await d.publicRooms.browse({ query: 'oslo' })).toEqual({
      rooms: [{ roomId, name: 'Hikers of Oslo', members: 1 }],
      more: false,
    });
    expect(await d.publicRooms.join(roomId)).toBe(roomId);
    expect(d.view(roomId)).toMatchObject({ joined: true, warnings: [] });
    expect(d.view(roomId)?.members.map((member) => member.name)).toEqual(['Alice', 'Dave']);
    await a.pushed();
    expect(a.rooms.recipients(roomId)).toEqual([dave.userId]); // Alice now seals room messages for Dave
    expect(a.view(roomId)?.timeline.at(-1)?.text).toBe('Dave joined with an invite code from Alice');

    // Joining again asks nothing: he is a member by the log.
    const before = server.sent.length;
    expect(await d.publicRooms.join(roomId)).toBe(roomId);
    expect(server.sent.length).toBe(before);
  }, 30_000);

  it('cannot join once the room is unlisted, and says why', async () => {
    const [alice, dave] = [person('Alice'), person('Dave')];
    const server = fakeServer([alice, dave]);
    const a = engineOf(alice, server);
    const d = engineOf(dave, server);
    const roomId = await a.rooms.create('Night Owls');
    await a.publicRooms.list(roomId, true);
    await a.publicRooms.list(roomId, false);
    await expect(d.publicRooms.join(roomId)).rejects.toThrow(/not listed/);
    expect(d.rooms.has(roomId)).toBe(false);
  }, 30_000);
});
