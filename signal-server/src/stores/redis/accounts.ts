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

/**
 * Names bound before skeletons were kept get theirs, once (the first bind of a process does it unless a flag key
 * says it is done; doing it twice changes nothing): look-alikes of them are refused too. A name whose skeleton another already has keeps its
 * place (HSETNX), as the embedded store's migration does.
 */
async function fillSkeletons(redis: Redis, prefix: string): Promise<void> {
  if ((await redis.exists(`${prefix}skeletons-filled`)) === 1) return;
  let cursor = '0';
  do {
    const [next, entries] = await redis.hscan(`${prefix}names`, cursor, 'COUNT', 500);
    cursor = next;
    for (let i = 0; i + 1 < entries.length; i += 2) {
      const [key, userId] = [entries[i] ?? '', entries[i + 1] ?? ''];
      const skeleton = nameSkeleton(key);
      await redis.hsetnx(`${prefix}skeletons`, skeleton, userId);
      await redis.hsetnx(`${prefix}skeleton-of`, userId, skeleton);
    }
  } while (cursor !== '0');
  await redis.set(`${prefix}skeletons-filled`, '1'); // only once done: a fill cut short runs again
}

/** Names bound to keys, shared by every server process through Redis. */
export function createRedisAccountStore(redis: Redis, prefix: string): AccountStore {
  const keys = ['names', 'name-of', 'skeletons', 'skeleton-of', 'first-seen'].map((key) => prefix + key);
  let filled: Promise<void> | undefined;
  return {
    async bindName(userId, name, now = Date.now()) {
      filled ??= fillSkeletons(redis, prefix).catch((error: unknown) => {
        filled = undefined; // tried again at the next bind
        throw error;
      });
      await filled;
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
