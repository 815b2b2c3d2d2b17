import type { Redis } from 'ioredis';
import { nameKey } from '../../../../shared/names';
import type { AccountStore } from '../accounts';
import { nameSkeleton } from '../name-skeleton';

/*
 * KEYS: name → user, user → name, skeleton → user, user → skeleton, user → first seen. ARGV: user id, name key,
 * skeleton, now. Atomic: two processes cannot both take a name, or two look-alike names.
 */
const BIND = `
local owner = redis.call('HGET', KEYS[1], ARGV[2])
if owner and owner ~= ARGV[1] then return 'name-taken' end
if owner == ARGV[1] then return 'ok' end
local alike = redis.call('HGET', KEYS[3], ARGV[3])
if alike and alike ~= ARGV[1] then return 'look-alike' end
local previous = redis.call('HGET', KEYS[2], ARGV[1])
if previous then redis.call('HDEL', KEYS[1], previous) end
local previousSkeleton = redis.call('HGET', KEYS[4], ARGV[1])
if previousSkeleton then redis.call('HDEL', KEYS[3], previousSkeleton) end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
redis.call('HSETNX', KEYS[5], ARGV[1], ARGV[4])
return 'ok'`;

/** Names bound to keys, shared by every server process through Redis. */
export function createRedisAccountStore(redis: Redis, prefix: string): AccountStore {
  const keys = ['names', 'name-of', 'skeletons', 'skeleton-of', 'first-seen'].map((key) => prefix + key);
  return {
    async bindName(userId, name, now = Date.now()) {
      const outcome = await redis.eval(
        BIND,
        keys.length,
        ...keys,
        userId,
        nameKey(name),
        nameSkeleton(name),
        now,
      );
      return outcome === 'ok'
        ? { ok: true }
        : { ok: false, reason: outcome === 'look-alike' ? 'look-alike' : 'name-taken' };
    },
    async lookup(name) {
      return (await redis.hget(`${prefix}names`, nameKey(name))) ?? undefined;
    },
    async known(userId) {
      return (await redis.hexists(`${prefix}name-of`, userId)) === 1;
    },
    async firstSeen(userId) {
      const [seen, named] = await Promise.all([
        redis.hget(`${prefix}first-seen`, userId),
        redis.hexists(`${prefix}name-of`, userId),
      ]);
      // A key named before first-seen was recorded has been around: 0.
      return seen !== null ? Number(seen) : named === 1 ? 0 : undefined;
    },
  };
}
