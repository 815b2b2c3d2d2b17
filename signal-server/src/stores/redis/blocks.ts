import type { Redis } from 'ioredis';
import type { BlockStore } from '../blocks';

// KEYS: the blocker's set of blocked users, the user's set of blockers. ARGV: blocker, user, '1' to block, max.
// Returns how many the blocker blocks now, or -1 if they block max already.
const SET = `
if ARGV[3] == '1' then
  if redis.call('SISMEMBER', KEYS[1], ARGV[2]) == 0 then
    if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[4]) then return -1 end
    redis.call('SADD', KEYS[1], ARGV[2])
    redis.call('SADD', KEYS[2], ARGV[1])
  end
else
  redis.call('SREM', KEYS[1], ARGV[2])
  redis.call('SREM', KEYS[2], ARGV[1])
end
return redis.call('SCARD', KEYS[1])`;

// KEYS: the user's set of blocked users, the user's set of blockers. ARGV: user, key prefix. Each other user's
// set is named from the prefix: Redis here is one instance (no cluster), so keys a script computes are fine.
const FORGET = `
for _, other in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  redis.call('SREM', ARGV[2] .. 'blockers:' .. other, ARGV[1])
end
for _, other in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('SREM', ARGV[2] .. 'blocks:' .. other, ARGV[1])
end
redis.call('DEL', KEYS[1], KEYS[2])`;

/** Blocks in Redis: per user, a set of whom they block and a set of who blocks them, kept together by scripts. */
export function createRedisBlockStore(redis: Redis, prefix: string): BlockStore {
  const blocksKey = (userId: string) => `${prefix}blocks:${userId}`;
  const blockersKey = (userId: string) => `${prefix}blockers:${userId}`;
  return {
    async set(blocker, user, blocked, max) {
      const count = Number(
        await redis.eval(
          SET,
          2,
          blocksKey(blocker),
          blockersKey(user),
          blocker,
          user,
          blocked ? '1' : '0',
          String(max),
        ),
      );
      return count < 0 ? { ok: false } : { ok: true, count };
    },
    async blocks(blocker, user) {
      return (await redis.sismember(blocksKey(blocker), user)) === 1;
    },
    async forget(userId) {
      await redis.eval(FORGET, 2, blocksKey(userId), blockersKey(userId), userId, prefix);
    },
  };
}
