import type { Redis } from 'ioredis';
import * as v from 'valibot';
import { PublicIdentitySchema } from '../../../../shared/crypto/identity';
import { OneTimePrekeySchema, SignedPrekeySchema } from '../../../../shared/protocol/prekeys';
import { claimWindows, type PrekeyStore } from '../prekeys';
import { readStored, warnUnreadable, type ReportUnreadable } from '../stored';

/** A user's bundle as publish() writes it; their one-time prekeys are OneTimePrekeySchema, one per list item. */
const BundleSchema = v.object({ identity: PublicIdentitySchema, signedPrekey: SignedPrekeySchema });

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

/*
 * KEYS: bundle, one-time list, one-time ids set, the claimer's window for this user, the claimer's window overall,
 * the user's window of one-time prekeys handed out.
 * ARGV: per-target limit, ms until its window ends, per-claimer limit, ms until its window ends, per-owner limit,
 * ms until its window ends (relative: the caller's clock decides the window, Redis's only forgets it).
 * Counts the claim and takes a one-time prekey within all three limits; only a taken one counts for the owner. A
 * taken id leaves the ids set, as in SQLite.
 */
const CLAIM = `
local bundle = redis.call('GET', KEYS[1])
if not bundle then return false end
local perTarget = redis.call('INCR', KEYS[4])
if perTarget == 1 then redis.call('PEXPIRE', KEYS[4], ARGV[2]) end
local perClaimer = redis.call('INCR', KEYS[5])
if perClaimer == 1 then redis.call('PEXPIRE', KEYS[5], ARGV[4]) end
local perOwner = tonumber(redis.call('GET', KEYS[6]) or '0')
local oneTime = ''
if perTarget <= tonumber(ARGV[1]) and perClaimer <= tonumber(ARGV[3]) and perOwner < tonumber(ARGV[5]) then
  oneTime = redis.call('LPOP', KEYS[2]) or ''
  if oneTime ~= '' then
    redis.call('SREM', KEYS[3], cjson.decode(oneTime).id)
    if redis.call('INCR', KEYS[6]) == 1 then redis.call('PEXPIRE', KEYS[6], ARGV[6]) end
  end
end
return {bundle, oneTime, redis.call('LLEN', KEYS[2])}`;

/**
 * Published prekeys in Redis; a Lua script hands each one-time prekey to exactly one claimer, whichever process
 * asks. A bundle that does not parse is reported and claimed as none; a one-time prekey that does not, as none.
 */
export function createRedisPrekeyStore(
  redis: Redis,
  prefix: string,
  report: ReportUnreadable = warnUnreadable,
): PrekeyStore {
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
    async claim(userId, { claimer, now, limits }) {
      const windows = claimWindows(userId, claimer, now, limits);
      const answer = (await redis.eval(
        CLAIM,
        6,
        ...keys(userId),
        `${prefix}claims:${windows.target}`,
        `${prefix}claims:${windows.claimer}`,
        `${prefix}claims:${windows.owner}`,
        String(limits.perTarget),
        String(windows.targetEndsAt - now),
        String(limits.perClaimer),
        String(windows.claimerEndsAt - now),
        String(limits.perOwner),
        String(windows.ownerEndsAt - now),
      )) as [string, string, number] | null;
      if (answer === null) return undefined;
      const [stored, oneTime, remaining] = answer;
      const [bundleKey, oneTimeKey] = keys(userId);
      const bundle = readStored(BundleSchema, bundleKey, stored, report);
      if (!bundle) return undefined;
      const oneTimePrekey =
        oneTime === '' ? undefined : readStored(OneTimePrekeySchema, oneTimeKey, oneTime, report);
      return oneTimePrekey ? { ...bundle, oneTimePrekey, remaining } : { ...bundle, remaining };
    },
    async identity(userId) {
      const [bundleKey] = keys(userId);
      const stored = await redis.get(bundleKey);
      return stored === null ? undefined : readStored(BundleSchema, bundleKey, stored, report)?.identity;
    },
    async forget(userId) {
      await redis.del(...keys(userId));
      // Claim windows name the claimer, the target or both, and live an hour at most; nothing indexes them by
      // user, so a deletion walks the key space once (SCAN, in steps), which deletions are rare enough to afford.
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}claims:*${userId}*`, 'COUNT', 1000);
        cursor = next;
        if (found.length > 0) await redis.del(...found);
      } while (cursor !== '0');
    },
  };
}
