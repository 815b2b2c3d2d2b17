import type { Redis } from 'ioredis';
import type { PublicIdentity } from '../../../../shared/crypto/identity';
import type { OneTimePrekey, SignedPrekey } from '../../../../shared/protocol/prekeys';
import type { PrekeyStore } from '../prekeys';

// KEYS: bundle, one-time list, one-time ids set. ARGV: bundle, limit, replace, then the one-time prekeys (JSON).
const PUBLISH = `
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[3] == '1' then redis.call('DEL', KEYS[2], KEYS[3]) end
local limit = tonumber(ARGV[2])
for i = 4, #ARGV do
  if redis.call('LLEN', KEYS[2]) >= limit then break end
  local prekey = cjson.decode(ARGV[i])
  if redis.call('SADD', KEYS[3], prekey.id) == 1 then redis.call('RPUSH', KEYS[2], ARGV[i]) end
end
return redis.call('LLEN', KEYS[2])`;

/** Published prekeys in Redis; LPOP hands each one-time prekey to exactly one claimer, whichever process asks. */
export function createRedisPrekeyStore(redis: Redis, prefix: string): PrekeyStore {
  const keys = (userId: string) =>
    [`${prefix}prekeys:${userId}`, `${prefix}otk:${userId}`, `${prefix}otk-ids:${userId}`] as const;
  return {
    async publish(userId, identity, signedPrekey, oneTimePrekeys, { limit, replace }) {
      const held = await redis.eval(
        PUBLISH,
        3,
        ...keys(userId),
        JSON.stringify({ identity, signedPrekey }),
        String(limit),
        replace ? '1' : '0',
        ...oneTimePrekeys.map(({ id, key }) => JSON.stringify({ id, key })),
      );
      return Number(held);
    },
    async claim(userId) {
      const [bundleKey, listKey] = keys(userId);
      const stored = await redis.get(bundleKey);
      if (stored === null) return undefined;
      // Written by publish() from validated input: read back as what it was.
      const bundle = JSON.parse(stored) as { identity: PublicIdentity; signedPrekey: SignedPrekey };
      const oneTime = await redis.lpop(listKey);
      return oneTime === null ? bundle : { ...bundle, oneTimePrekey: JSON.parse(oneTime) as OneTimePrekey };
    },
  };
}
