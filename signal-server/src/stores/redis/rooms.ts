import type { Redis } from 'ioredis';
import { peopleOf, type RoomStore, type StoredRoom, StoredRoomSchema } from '../rooms';
import { readStored, warnUnreadable, type ReportUnreadable } from '../stored';

// KEYS: the room. ARGV: the state the change was computed from, the next state ('' deletes). 1 if it applied.
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1`;

/** The index entries a room implies: set key -> member, for memberships, invitations, and invitations made. */
type IndexEntry = readonly [key: string, member: string];

/**
 * Rooms in Redis, shared by every process; a change is retried if another process changed the room meanwhile.
 * Rooms live under `room2:` (rooms from before signed membership logs, under `room:`, are no longer read).
 * A room that does not parse is reported and read as absent.
 */
export function createRedisRoomStore(
  redis: Redis,
  prefix: string,
  report: ReportUnreadable = warnUnreadable,
): RoomStore {
  const roomKey = (roomId: string) => `${prefix}room2:${roomId}`;
  const memberOfKey = (userId: string) => `${prefix}member-of:${userId}`;
  const invitedToKey = (userId: string) => `${prefix}invited-to:${userId}`;
  const invitesByKey = (userId: string) => `${prefix}invites-by:${userId}`;
  const read = (roomId: string, json: string | null): StoredRoom | undefined =>
    json === null ? undefined : readStored(StoredRoomSchema, roomKey(roomId), json, report);
  const indexOf = (room: StoredRoom | null): IndexEntry[] =>
    room
      ? [
          ...room.members.map((m): IndexEntry => [memberOfKey(m.userId), room.roomId]),
          ...room.invited.flatMap((i): IndexEntry[] => [
            [invitedToKey(i.userId), room.roomId],
            [invitesByKey(i.by), `${room.roomId}:${i.userId}`],
          ]),
        ]
      : [];
  const reindex = async (before: StoredRoom | null, after: StoredRoom | null): Promise<void> => {
    const flat = (entries: IndexEntry[]) => new Set(entries.map(([key, member]) => `${key}\n${member}`));
    const [was, is] = [flat(indexOf(before)), flat(indexOf(after))];
    const split = (entry: string) => entry.split('\n') as [string, string];
    await Promise.all([
      ...[...is].filter((e) => !was.has(e)).map((e) => redis.sadd(...split(e))),
      ...[...was].filter((e) => !is.has(e)).map((e) => redis.srem(...split(e))),
    ]);
  };
  return {
    async create(room) {
      if ((await redis.set(roomKey(room.roomId), JSON.stringify(room), 'NX')) !== 'OK') return false;
      await reindex(null, room);
      return true;
    },
    async get(roomId) {
      return read(roomId, await redis.get(roomKey(roomId)));
    },
    async update(roomId, change) {
      for (;;) {
        const json = await redis.get(roomKey(roomId));
        const current = read(roomId, json);
        if (!current || json === null) return undefined;
        const next = change(current);
        if (next === undefined) return current;
        const applied = await redis.eval(
          COMPARE_AND_SET,
          1,
          roomKey(roomId),
          json,
          next ? JSON.stringify(next) : '',
        );
        if (applied !== 1) continue;
        await reindex(current, next);
        return next ?? undefined;
      }
    },
    async listFor(userId) {
      const roomIds = [
        ...new Set([
          ...(await redis.smembers(memberOfKey(userId))),
          ...(await redis.smembers(invitedToKey(userId))),
        ]),
      ];
      if (roomIds.length === 0) return [];
      const stored = await redis.mget(...roomIds.map(roomKey));
      const rooms = stored.flatMap((json, index) => read(roomIds[index] ?? '', json) ?? []);
      // The index may lag a change made a moment ago on another process: the room itself decides.
      return rooms.filter((room) => peopleOf(room).includes(userId));
    },
    async counts(userId) {
      const [memberOf, invitedTo] = await Promise.all([
        redis.scard(memberOfKey(userId)),
        redis.scard(invitedToKey(userId)),
      ]);
      return { memberOf, invitedTo };
    },
    async invitationsBy(userId) {
      return redis.scard(invitesByKey(userId));
    },
    async listInvitedBy(userId) {
      // Entries are `<room id>:<invitee>`; a room id holds no colon.
      const roomIds = [
        ...new Set((await redis.smembers(invitesByKey(userId))).map((entry) => entry.split(':')[0] ?? '')),
      ];
      if (roomIds.length === 0) return [];
      const stored = await redis.mget(...roomIds.map(roomKey));
      const rooms = stored.flatMap((json, index) => read(roomIds[index] ?? '', json) ?? []);
      return rooms.filter((room) => room.invited.some((invitee) => invitee.by === userId));
    },
    async dropIndexOf(userId) {
      // The index may lag a change made on another process (see listFor): stale entries go with the rest.
      await redis.del(memberOfKey(userId), invitedToKey(userId), invitesByKey(userId));
    },
  };
}
