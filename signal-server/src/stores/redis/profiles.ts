import type { Redis } from 'ioredis';
import { StoredProfileSchema } from '../../../../shared/protocol/profile';
import type { ProfileStore } from '../profiles';
import { readStored, type ReportUnreadable } from '../stored';

// KEYS: the user's profile hash. ARGV: version, sealed. Sets both only over an older version (compare-and-set);
// returns 0 when stored, else the version held.
const PUT = `
local held = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if tonumber(ARGV[1]) <= held then return held end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'sealed', ARGV[2])
return 0`;

/** Profiles in Redis: one hash per user (`version`, `sealed`). */
export function createRedisProfileStore(
  redis: Redis,
  prefix: string,
  report: ReportUnreadable,
): ProfileStore {
  const key = (userId: string) => `${prefix}profile:${userId}`;
  return {
    async put(userId, { version, sealed }) {
      const held = Number(await redis.eval(PUT, 1, key(userId), String(version), sealed));
      return held === 0 ? { ok: true } : { ok: false, held };
    },
    async get(userId) {
      const [version, sealed] = await redis.hmget(key(userId), 'version', 'sealed');
      if (version === null || sealed === null) return undefined;
      return readStored(
        StoredProfileSchema,
        key(userId),
        JSON.stringify({ version: Number(version), sealed }),
        report,
      );
    },
    async forget(userId) {
      await redis.del(key(userId));
    },
  };
}
