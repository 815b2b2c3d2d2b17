import type { Redis } from 'ioredis';
import { nameKey } from '../../../../shared/names';
import type { AccountStore } from '../accounts';

// KEYS: name → user, user → name. ARGV: user id, name key. Atomic: two processes cannot both take a name.
const BIND = `
local owner = redis.call('HGET', KEYS[1], ARGV[2])
if owner and owner ~= ARGV[1] then return 0 end
local previous = redis.call('HGET', KEYS[2], ARGV[1])
if previous and previous ~= ARGV[2] then redis.call('HDEL', KEYS[1], previous) end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

/** Names bound to keys, shared by every server process through Redis. */
export function createRedisAccountStore(redis: Redis, prefix: string): AccountStore {
  return {
    async bindName(userId, name) {
      const bound = await redis.eval(BIND, 2, `${prefix}names`, `${prefix}name-of`, userId, nameKey(name));
      return bound === 1 ? { ok: true } : { ok: false, reason: 'name-taken' };
    },
    async lookup(name) {
      return (await redis.hget(`${prefix}names`, nameKey(name))) ?? undefined;
    },
    async known(userId) {
      return (await redis.hexists(`${prefix}name-of`, userId)) === 1;
    },
  };
}
