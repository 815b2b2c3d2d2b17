import type { Redis } from 'ioredis';
import { nameKey } from '../../../../shared/names';
import type { AccountStore } from '../accounts';
import { nameSkeleton, NAME_SKELETON_VERSION } from '../name-skeleton';

/*
 * KEYS: name → user, user → name, skeleton → user, user → skeleton, user → first seen, named users by when last
 * seen. ARGV: user id, name key, skeleton, now. Atomic: two processes cannot both take a name, or two look-alike
 * names. The key's previous skeleton is dropped only if it is the key's (a recomputed one may be another's);
 * binding its own name again stores this spelling's skeleton (one recomputed from the lowercased key is corrected).
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
redis.call('ZADD', KEYS[6], ARGV[4], ARGV[1])
return 'ok'`;

/*
 * Frees a user's name: the name, its skeleton (if it is the user's), and its place among the named by last seen.
 * KEYS as BIND's. Defined as a Lua function for RELEASE and RELEASE_INACTIVE; returns whether the user held a name.
 */
const RELEASE_FUNCTION = `
local function release(user)
  local name = redis.call('HGET', KEYS[2], user)
  if name and redis.call('HGET', KEYS[1], name) == user then redis.call('HDEL', KEYS[1], name) end
  redis.call('HDEL', KEYS[2], user)
  local skeleton = redis.call('HGET', KEYS[4], user)
  if skeleton and redis.call('HGET', KEYS[3], skeleton) == user then redis.call('HDEL', KEYS[3], skeleton) end
  redis.call('HDEL', KEYS[4], user)
  redis.call('ZREM', KEYS[6], user)
  return name ~= false
end`;

// ARGV: user id, '1' to forget the key too (first seen). A key named before first-seen was kept stays known
// (as old: 0) once its name is released.
const RELEASE = `${RELEASE_FUNCTION}
local held = release(ARGV[1])
if ARGV[2] == '1' then redis.call('HDEL', KEYS[5], ARGV[1])
elseif held then redis.call('HSETNX', KEYS[5], ARGV[1], 0) end
if held then return 1 else return 0 end`;

// ARGV: before (ms), limit. Releases the names of keys last seen before then, oldest first; returns whose.
const RELEASE_INACTIVE = `${RELEASE_FUNCTION}
local users = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, user in ipairs(users) do
  release(user)
  redis.call('HSETNX', KEYS[5], user, 0)
end
return users`;

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

/**
 * Names bound before their key's last sign-in was kept count as seen when a process first binds a name or sweeps
 * inactive ones, once: none is released by the upgrade. Doing it twice changes nothing (ZADD NX).
 */
async function fillLastSeen(redis: Redis, prefix: string, now: number): Promise<void> {
  const doneKey = `${prefix}last-seen-filled`;
  if ((await redis.get(doneKey)) === '1') return;
  let cursor = '0';
  do {
    const [next, entries] = await redis.hscan(`${prefix}name-of`, cursor, 'COUNT', 500);
    cursor = next;
    const users = entries.filter((_entry, index) => index % 2 === 0);
    if (users.length > 0)
      await redis.zadd(`${prefix}last-seen`, 'NX', ...users.flatMap((user) => [now, user]));
  } while (cursor !== '0');
  await redis.set(doneKey, '1'); // only once done: a fill cut short runs again
}

/** Names bound to keys, shared by every server process through Redis. */
export function createRedisAccountStore(redis: Redis, prefix: string): AccountStore {
  const keys = ['names', 'name-of', 'skeletons', 'skeleton-of', 'first-seen', 'last-seen'].map(
    (key) => prefix + key,
  );
  let filled: Promise<void> | undefined;
  /** What names bound by older versions lack (skeletons, last seen), filled in once per process before use. */
  const ready = (): Promise<void> =>
    (filled ??= Promise.all([fillSkeletons(redis, prefix), fillLastSeen(redis, prefix, Date.now())]).then(
      () => undefined,
      (error: unknown) => {
        filled = undefined; // tried again at the next call
        throw error;
      },
    ));
  const release = async (userId: string, forget: boolean): Promise<boolean> =>
    (await redis.eval(RELEASE, keys.length, ...keys, userId, forget ? '1' : '0')) === 1;
  return {
    async bindName(userId, name, now = Date.now()) {
      await ready();
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
      // Named before first-seen was kept: known by the name.
      const [seen, named] = await Promise.all([
        redis.hexists(`${prefix}first-seen`, userId),
        redis.hexists(`${prefix}name-of`, userId),
      ]);
      return seen === 1 || named === 1;
    },
    async firstSeen(userId) {
      const [seen, named] = await Promise.all([
        redis.hget(`${prefix}first-seen`, userId),
        redis.hexists(`${prefix}name-of`, userId),
      ]);
      // A key named before first-seen was recorded has been around: 0.
      return seen !== null ? Number(seen) : named === 1 ? 0 : undefined;
    },
    async releaseName(userId) {
      return release(userId, false);
    },
    async releaseInactive(before, limit) {
      await ready(); // a name bound before last-seen was kept is not taken for one never seen
      const users = await redis.eval(RELEASE_INACTIVE, keys.length, ...keys, String(before), String(limit));
      // The script returns an array of user ids (bulk strings); anything else would be a bug, and releases none.
      return Array.isArray(users) ? users.filter((user): user is string => typeof user === 'string') : [];
    },
    async forget(userId) {
      await release(userId, true);
    },
  };
}
