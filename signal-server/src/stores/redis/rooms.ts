import type { Redis } from 'ioredis';
import { peopleOf, type RoomStore, type StoredRoom } from '../rooms';

// KEYS: the room. ARGV: the state the change was computed from, the next state ('' deletes). 1 if it applied.
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1`;

/** Rooms in Redis, shared by every process; a change is retried if another process changed the room meanwhile. */
export function createRedisRoomStore(redis: Redis, prefix: string): RoomStore {
  const roomKey = (roomId: string) => `${prefix}room:${roomId}`;
  const indexKey = (userId: string) => `${prefix}rooms-of:${userId}`;
  // Written by this store from rooms the handlers built: read back as what they were.
  const read = (json: string | null): StoredRoom | undefined =>
    json === null ? undefined : (JSON.parse(json) as StoredRoom);
  return {
    async create(room) {
      await redis.set(roomKey(room.roomId), JSON.stringify(room));
      await Promise.all(peopleOf(room).map((userId) => redis.sadd(indexKey(userId), room.roomId)));
    },
    async get(roomId) {
      return read(await redis.get(roomKey(roomId)));
    },
    async update(roomId, change) {
      for (;;) {
        const json = await redis.get(roomKey(roomId));
        const current = read(json);
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
        const before = new Set(peopleOf(current));
        const after = new Set(next ? peopleOf(next) : []);
        await Promise.all([
          ...[...after]
            .filter((userId) => !before.has(userId))
            .map((userId) => redis.sadd(indexKey(userId), roomId)),
          ...[...before]
            .filter((userId) => !after.has(userId))
            .map((userId) => redis.srem(indexKey(userId), roomId)),
        ]);
        return next ?? undefined;
      }
    },
    async listFor(userId) {
      const roomIds = await redis.smembers(indexKey(userId));
      if (roomIds.length === 0) return [];
      const rooms = (await redis.mget(...roomIds.map(roomKey))).flatMap((json) => read(json) ?? []);
      // The index may lag a change made a moment ago on another process: the room itself decides.
      return rooms.filter((room) => peopleOf(room).includes(userId));
    },
  };
}
