import type { Redis } from 'ioredis';
import * as v from 'valibot';
import { UserIdSchema } from '../../../../shared/ids';
import { UserSchema } from '../../../../shared/protocol/socket';
import type { Departure, PresenceStore } from '../presence';
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

/*
 * Every script takes KEYS: the presence hash, the user's token set, the set of visible users. A user's tokens and
 * visibility live and die with their presence entry, in the same script: a released entry never leaves tokens
 * behind (which would let signaling through to nobody's session).
 */

// Drops the user's tokens; returns them if the user was visible (to announce offline), else none.
const DROP_TOKENS = `
local function dropTokens(user)
  local departed = {}
  if redis.call('SREM', KEYS[3], user) == 1 then departed = redis.call('SMEMBERS', KEYS[2]) end
  redis.call('DEL', KEYS[2])
  return departed
end`;

// ARGV: user id, entry, session id. Returns { the replaced session id or '', the departed tokens... }.
const CLAIM = `${DROP_TOKENS}
local previous = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local replaced = ''
if previous then
  local session = cjson.decode(previous).sessionId
  if session ~= ARGV[3] then replaced = session end
end
local answer = dropTokens(ARGV[1])
table.insert(answer, 1, replaced)
return answer`;

// ARGV: user id, a field of the entry (sessionId or processId), its value. Deletes the user's entry (and tokens)
// only if it still has that value: a newer session, or a live process, is never released by mistake. Returns
// {} if nothing was released, else { 1, the departed tokens... }.
const RELEASE_IF = `${DROP_TOKENS}
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and cjson.decode(current)[ARGV[2]] == ARGV[3] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  local answer = dropTokens(ARGV[1])
  table.insert(answer, 1, 1)
  return answer
end
return {}`;

// ARGV: user id, session id, '1' if visible, then the tokens. Replaces them if the session is the user's.
const PRESENT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or cjson.decode(current).sessionId ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[2])
if #ARGV > 3 then redis.call('SADD', KEYS[2], unpack(ARGV, 4)) end
if ARGV[3] == '1' then redis.call('SADD', KEYS[3], ARGV[1]) else redis.call('SREM', KEYS[3], ARGV[1]) end
return 1`;

/** The tokens a script's answer lists after its first element (Redis hands Lua strings back as strings). */
const tokensOf = (answer: unknown): string[] =>
  Array.isArray(answer) ? answer.slice(1).filter((token): token is string => typeof token === 'string') : [];

/**
 * Who is online on any server process. Socket ids are unique across processes, so they name sessions. Each
 * process renews a liveness key (`ttlMs`) in heartbeat(); entries of a process whose key expired are released,
 * with their tokens. An entry that does not parse is reported and left out of the list (the user's next claim
 * overwrites it). Each user's tokens are a set of their own, so two users' are compared in Redis (SINTERCARD).
 */
export function createRedisPresenceStore(
  redis: Redis,
  prefix: string,
  processId: string,
  ttlMs: number,
  report: ReportUnreadable = warnUnreadable,
): PresenceStore {
  const key = `${prefix}presence`;
  const tokensKey = (userId: string) => `${prefix}tokens:${userId}`;
  const keysOf = (userId: string) => [key, tokensKey(userId), `${prefix}visible`] as const;
  /** Every entry that parses, by `schema`; the hash's fields are user ids. */
  const entries = async <S extends typeof EntrySchema | typeof LivenessSchema>(schema: S) =>
    Object.entries(await redis.hgetall(key)).flatMap(
      ([userId, value]) => readStored(schema, `${key} ${userId}`, value, report) ?? [],
    );
  const alive = (process: string) => `${prefix}process:${process}`;
  const releaseIf = async (userId: string, field: 'sessionId' | 'processId', value: string) => {
    const answer = await redis.eval(RELEASE_IF, 3, ...keysOf(userId), userId, field, value);
    return Array.isArray(answer) && answer.length > 0 ? tokensOf(answer) : undefined;
  };
  return {
    async claim(user, sessionId) {
      const entry: Entry = { user, sessionId, processId };
      const answer = await redis.eval(
        CLAIM,
        3,
        ...keysOf(user.userId),
        user.userId,
        JSON.stringify(entry),
        sessionId,
      );
      const replaced: unknown = Array.isArray(answer) ? answer[0] : undefined;
      const departed = tokensOf(answer);
      return typeof replaced === 'string' && replaced !== '' ? { replaced, departed } : { departed };
    },
    async release(userId, sessionId) {
      return (await releaseIf(userId, 'sessionId', sessionId)) !== undefined;
    },
    async present(userId, sessionId, tokens, visible) {
      const args = [userId, sessionId, visible ? '1' : '0', ...tokens];
      return (await redis.eval(PRESENT, 3, ...keysOf(userId), ...args)) === 1;
    },
    async shareToken(a, b) {
      return (await redis.sintercard(2, tokensKey(a), tokensKey(b), 'LIMIT', 1)) > 0;
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
      const released: Departure[] = [];
      for (const { user, processId: process } of held.filter((entry) => dead.has(entry.processId))) {
        const tokens = await releaseIf(user.userId, 'processId', process);
        if (tokens) released.push({ userId: user.userId, tokens });
      }
      return released;
    },
  };
}
