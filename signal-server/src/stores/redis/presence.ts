import type { Redis } from 'ioredis';
import * as v from 'valibot';
import { UserIdSchema } from '../../../../shared/ids';
import { UserSchema } from '../../../../shared/protocol/socket';
import type { PresenceStore } from '../presence';
import { readStored, warnUnreadable, type ReportUnreadable } from '../stored';

/** A user's entry in the presence hash, as claim() writes it. */
const EntrySchema = v.object({
  user: UserSchema,
  sessionId: v.string(),
  /** The server process holding the session: if it stops renewing its liveness key, the entry goes. */
  processId: v.string(),
});
type Entry = v.InferOutput<typeof EntrySchema>;
/** What heartbeat() needs of every entry, every few seconds: not the whole user (its checks cost a hash each). */
const LivenessSchema = v.object({ user: v.object({ userId: UserIdSchema }), processId: v.string() });

// KEYS: presence hash. ARGV: user id, entry, session id. Returns the replaced session id, or false.
const CLAIM = `
local previous = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if previous then
  local session = cjson.decode(previous).sessionId
  if session ~= ARGV[3] then return session end
end
return false`;
// KEYS: presence hash. ARGV: user id, a field of the entry (sessionId or processId), its value. Deletes the user's
// entry only if it still has that value: a newer session, or a live process, is never released by mistake.
const RELEASE_IF = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and cjson.decode(current)[ARGV[2]] == ARGV[3] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0`;

/**
 * Who is online on any server process. Socket ids are unique across processes, so they name sessions. Each
 * process renews a liveness key (`ttlMs`) in heartbeat(); entries of a process whose key expired are released.
 * An entry that does not parse is reported and left out of the list (the user's next claim overwrites it).
 */
export function createRedisPresenceStore(
  redis: Redis,
  prefix: string,
  processId: string,
  ttlMs: number,
  report: ReportUnreadable = warnUnreadable,
): PresenceStore {
  const key = `${prefix}presence`;
  /** Every entry that parses, by `schema`; the hash's fields are user ids. */
  const entries = async <S extends typeof EntrySchema | typeof LivenessSchema>(schema: S) =>
    Object.entries(await redis.hgetall(key)).flatMap(
      ([userId, value]) => readStored(schema, `${key} ${userId}`, value, report) ?? [],
    );
  const alive = (process: string) => `${prefix}process:${process}`;
  return {
    async claim(user, sessionId) {
      const entry: Entry = { user, sessionId, processId };
      const replaced = await redis.eval(CLAIM, 1, key, user.userId, JSON.stringify(entry), sessionId);
      return typeof replaced === 'string' ? { replaced } : {};
    },
    async release(userId, sessionId) {
      return (await redis.eval(RELEASE_IF, 1, key, userId, 'sessionId', sessionId)) === 1;
    },
    async list() {
      return (await entries(EntrySchema)).map((entry) => entry.user);
    },
    async count() {
      return redis.hlen(key);
    },
    async heartbeat() {
      await redis.set(alive(processId), '1', 'PX', ttlMs);
      const held = await entries(LivenessSchema);
      const processes = [...new Set(held.map((entry) => entry.processId))];
      const living = processes.length > 0 ? await redis.mget(...processes.map(alive)) : [];
      const dead = new Set(processes.filter((_process, index) => living[index] === null));
      const released: string[] = [];
      for (const entry of held.filter((candidate) => dead.has(candidate.processId))) {
        if ((await redis.eval(RELEASE_IF, 1, key, entry.user.userId, 'processId', entry.processId)) === 1)
          released.push(entry.user.userId);
      }
      return released;
    },
  };
}
