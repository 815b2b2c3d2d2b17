import type { Redis } from 'ioredis';
import { nameKey } from '../../../../shared/names';
import type { AccountStore } from '../accounts';
import { nameSkeleton, NAME_SKELETON_VERSION } from '../name-skeleton';

/*
 * KEYS: name → user, user → name, skeleton → user, user → skeleton, user → first seen. ARGV: user id, name key,
 * skeleton, now. Atomic: two processes cannot both take a name, or two look-alike names. The key's previous
 * skeleton is dropped only if it is the key's (a recomputed one may be another's); binding its own name again
 * stores this spelling's skeleton (one recomputed from the lowercased key is corrected).
 */
const BIND = `
local owner = redis.call('HGET', KEYS[1], ARGV[2])
if owner and owner ~= ARGV[1] then return 'name-taken' end
if owner ~= ARGV[1] then
  local alike = redis.call('HGET', KEYS[3], ARGV[3])
  if alike and alike ~= ARGV[1] then return 'look-alike' end
  local previous = redis.call('HGET', KEYS[2], ARGV[1])
  if previous then redis.call('HDEL', KEYS[1], previous) end
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[1])
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
local previousSkeleton = redis.call('HGET', KEYS[4], ARGV[1])
if previousSkeleton and previousSkeleton ~= ARGV[3] and redis.call('HGET', KEYS[3], previousSkeleton) == ARGV[1] then
  redis.call('HDEL', KEYS[3], previousSkeleton)
end
redis.call('HSETNX', KEYS[3], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
redis.call('HSETNX', KEYS[5], ARGV[1], ARGV[4])
return 'ok'`;

// KEYS: skeleton → user, user → skeleton. ARGV: user id, skeleton. One name's skeleton, recomputed: its old one
// is dropped if it is this key's; the new one kept unless another key already has it (it keeps its place).
const REFILL = `
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old and old ~= ARGV[2] and redis.call('HGET', KEYS[1], old) == ARGV[1] then redis.call('HDEL', KEYS[1], old) end
redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])`;

/**
 * Names bound before skeletons were kept, or while nameSkeleton computed them otherwise, get theirs (from the key,
 * the only spelling kept), once per NAME_SKELETON_VERSION: the first bind of a process does it unless a key says
 * it is done; doing it twice changes nothing. Look-alikes of them are refused too, as the embedded store's
 * migrations do.
 */
async function fillSkeletons(redis: Redis, prefix: string): Promise<void> {
  const versionKey = `${prefix}skeletons-version`;
  if ((await redis.get(versionKey)) === NAME_SKELETON_VERSION) return;
  let cursor = '0';
  do {
    const [next, entries] = await redis.hscan(`${prefix}names`, cursor, 'COUNT', 500);
    cursor = next;
    for (let i = 0; i + 1 < entries.length; i += 2) {
      const [key, userId] = [entries[i] ?? '', entries[i + 1] ?? ''];
      await redis.eval(REFILL, 2, `${prefix}skeletons`, `${prefix}skeleton-of`, userId, nameSkeleton(key));
    }
  } while (cursor !== '0');
  await redis.set(versionKey, NAME_SKELETON_VERSION); // only once done: a fill cut short runs again
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
