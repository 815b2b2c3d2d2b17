import type { Redis } from 'ioredis';
import * as v from 'valibot';
import type { PublicRoom } from '../../../../shared/protocol/rooms';
import { PublicRoomSchema } from '../../../../shared/protocol/rooms';
import { nameKey } from '../../../../shared/names';
import { listedRoom, peopleOf, type RoomStore, type StoredRoom, StoredRoomSchema } from '../rooms';
import { readStored, warnUnreadable, type ReportUnreadable } from '../stored';

// KEYS: the room. ARGV: the state the change was computed from, the next state ('' deletes). 1 if it applied.
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1`;

/** What browsing shows of a listed room, with its name as nameKey has it (to search). */
const ShownSchema = v.object({ ...PublicRoomSchema.pipe[0].entries, nameKey: v.string() });
type Shown = v.InferOutput<typeof ShownSchema>;
const shownRoom = (shown: Shown): PublicRoom => ({
  roomId: shown.roomId,
  name: shown.name,
  members: shown.members,
});

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
  // Public rooms: the listed room ids by listing time, what browsing shows of each, and each lister's listings.
  const listedKey = `${prefix}listed`;
  const listingsKey = `${prefix}listings`;
  const listedByKey = (userId: string) => `${prefix}listed-by:${userId}`;
  const listingCountKey = (userId: string, window: number) => `${prefix}listing-count:${userId}:${window}`;
  const listingCountsKey = (userId: string) => `${prefix}listing-counts:${userId}`;
  const relist = async (before: StoredRoom | null, after: StoredRoom | null): Promise<void> => {
    const listed = after && listedRoom(after);
    const listing = after?.listing;
    const roomId = (after ?? before)?.roomId ?? '';
    if (before?.listing && before.listing.by !== listing?.by)
      await redis.srem(listedByKey(before.listing.by), roomId);
    if (!listed || !listing) {
      if (before?.listing)
        await Promise.all([redis.zrem(listedKey, roomId), redis.hdel(listingsKey, roomId)]);
      return;
    }
    const shown = JSON.stringify({ ...listed, nameKey: nameKey(listed.name) });
    await Promise.all([
      redis.zadd(listedKey, listing.at, roomId),
      redis.hset(listingsKey, roomId, shown),
      redis.sadd(listedByKey(listing.by), roomId),
    ]);
  };
  /** What browsing shows of the listed rooms named, in their order (one that does not parse is left out). */
  const shownOf = async (roomIds: string[]): Promise<Shown[]> => {
    if (roomIds.length === 0) return [];
    const shown = await redis.hmget(listingsKey, ...roomIds);
    return shown.flatMap((json) => {
      if (json === null) return [];
      const parsed = v.safeParse(ShownSchema, JSON.parse(json));
      return parsed.success ? [parsed.output] : [];
    });
  };
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
      await relist(null, room);
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
        await relist(current, next);
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
      const counts = await redis.smembers(listingCountsKey(userId));
      await redis.del(
        memberOfKey(userId),
        invitedToKey(userId),
        invitesByKey(userId),
        listingCountsKey(userId),
      );
      if (counts.length > 0) await redis.del(...counts);
    },
    async browse({ text, offset, limit }) {
      if (!text) {
        const roomIds = await redis.zrevrange(listedKey, offset, offset + limit);
        const rooms = (await shownOf(roomIds.slice(0, limit))).map(shownRoom);
        return { rooms, more: roomIds.length > limit };
      }
      // A substring has no index: the listings are scanned (bounded per user; searches per connection).
      const found = (await shownOf(await redis.zrevrange(listedKey, 0, -1))).filter((room) =>
        room.nameKey.includes(text),
      );
      const rooms = found.slice(offset, offset + limit).map(shownRoom);
      return { rooms, more: found.length > offset + limit };
    },
    async listedBy(userId) {
      // The set may lag a change made on another process: the listings themselves decide.
      const roomIds = await redis.smembers(listedByKey(userId));
      if (roomIds.length === 0) return 0;
      const stored = await redis.mget(...roomIds.map(roomKey));
      return stored.filter((json, index) => read(roomIds[index] ?? '', json)?.listing?.by === userId).length;
    },
    async countListing(userId, now, windowMs) {
      const key = listingCountKey(userId, Math.floor(now / windowMs));
      const [[, count]] = (await redis
        .multi()
        .incr(key)
        .pexpire(key, windowMs)
        .sadd(listingCountsKey(userId), key)
        .pexpire(listingCountsKey(userId), windowMs)
        .exec()) as [[unknown, number]];
      return count;
    },
  };
}
