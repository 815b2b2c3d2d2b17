import type { Redis } from 'ioredis';
import type { User } from '../../../../shared/protocol/socket';
import type { PresenceStore } from '../presence';

interface Entry {
  readonly user: User;
  readonly sessionId: string;
}

// KEYS: presence hash. ARGV: user id, entry, session id. Returns the replaced session id, or false.
const CLAIM = `
local previous = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if previous then
  local session = cjson.decode(previous).sessionId
  if session ~= ARGV[3] then return session end
end
return false`;
// Deletes the user's entry only if it is still this session's.
const RELEASE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and cjson.decode(current).sessionId == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0`;

/** Who is online on any server process. Socket ids are unique across processes, so they name sessions. */
export function createRedisPresenceStore(redis: Redis, prefix: string): PresenceStore {
  const key = `${prefix}presence`;
  return {
    async claim(user, sessionId) {
      const entry: Entry = { user, sessionId };
      const replaced = await redis.eval(CLAIM, 1, key, user.userId, JSON.stringify(entry), sessionId);
      return typeof replaced === 'string' ? { replaced } : {};
    },
    async release(userId, sessionId) {
      return (await redis.eval(RELEASE, 1, key, userId, sessionId)) === 1;
    },
    async list() {
      // Written by claim() from a session's verified user.
      return (await redis.hvals(key)).map((value) => (JSON.parse(value) as Entry).user);
    },
    async count() {
      return redis.hlen(key);
    },
  };
}
