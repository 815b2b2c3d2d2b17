import type { Database } from './database';
import { PublicIdentitySchema } from '../../../../shared/crypto/identity';
import { SignedPrekeySchema } from '../../../../shared/protocol/prekeys';
import { claimWindows, type ClaimLimits, type PrekeyStore } from '../prekeys';
import { readStored, warnUnreadable, type ReportUnreadable } from '../stored';

/**
 * Published prekeys in the embedded database; a claimed one-time prekey is deleted, and the claim counted, in the
 * same transaction. A bundle whose JSON columns do not parse is reported and claimed as none.
 */
export function createSqlitePrekeyStore(
  db: Database,
  report: ReportUnreadable = warnUnreadable,
): PrekeyStore {
  const upsertBundle = db.prepare<[string, string, string]>(
    `INSERT INTO prekey_bundles (user_id, identity, signed_prekey) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET identity = excluded.identity, signed_prekey = excluded.signed_prekey`,
  );
  const dropOneTime = db.prepare<[string]>('DELETE FROM one_time_prekeys WHERE user_id = ?');
  const countOneTime = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM one_time_prekeys WHERE user_id = ?',
  );
  const addOneTime = db.prepare<[string, number, string]>(
    'INSERT OR IGNORE INTO one_time_prekeys (user_id, id, key) VALUES (?, ?, ?)',
  );
  const bundleOf = db.prepare<[string], { identity: string; signed_prekey: string }>(
    'SELECT identity, signed_prekey FROM prekey_bundles WHERE user_id = ?',
  );
  const firstOneTime = db.prepare<[string], { seq: number; id: number; key: string }>(
    'SELECT seq, id, key FROM one_time_prekeys WHERE user_id = ? ORDER BY seq LIMIT 1',
  );
  const takeOneTime = db.prepare<[number]>('DELETE FROM one_time_prekeys WHERE seq = ?');
  const countClaim = db.prepare<[string, number], { count: number }>(
    `INSERT INTO prekey_claims (window_key, count, expires_at) VALUES (?, 1, ?)
     ON CONFLICT (window_key) DO UPDATE SET count = count + 1 RETURNING count`,
  );
  const forgetClaims = db.prepare<[number]>('DELETE FROM prekey_claims WHERE expires_at <= ?');
  const claimsIn = db.prepare<[string], { count: number }>(
    'SELECT count FROM prekey_claims WHERE window_key = ?',
  );
  const identityOf = db.prepare<[string], { identity: string }>(
    'SELECT identity FROM prekey_bundles WHERE user_id = ?',
  );
  const dropBundle = db.prepare<[string]>('DELETE FROM prekey_bundles WHERE user_id = ?');
  // Window keys name the claimer, the target or both (claimWindows); the table holds only live windows.
  const dropClaims = db.prepare<[string]>('DELETE FROM prekey_claims WHERE instr(window_key, ?) > 0');

  const publish = db.transaction(
    (
      userId: string,
      identity: string,
      signed: string,
      oneTime: { id: number; key: string }[],
      limit: number,
      replace: boolean,
    ) => {
      upsertBundle.run(userId, identity, signed);
      if (replace) dropOneTime.run(userId);
      let held = countOneTime.get(userId)?.n ?? 0;
      for (const prekey of oneTime) {
        if (held >= limit) break;
        held += addOneTime.run(userId, prekey.id, prekey.key).changes;
      }
      return held;
    },
  );
  /**
   * Counts this claim in the claimer's windows; true when it is within both limits and the user's one-time prekeys
   * were handed out fewer than `perOwner` times this window.
   */
  const withinLimits = (windows: ReturnType<typeof claimWindows>, limits: ClaimLimits): boolean => {
    const perTarget = countClaim.get(windows.target, windows.targetEndsAt)?.count ?? 1;
    const perClaimer = countClaim.get(windows.claimer, windows.claimerEndsAt)?.count ?? 1;
    const perOwner = claimsIn.get(windows.owner)?.count ?? 0;
    return perTarget <= limits.perTarget && perClaimer <= limits.perClaimer && perOwner < limits.perOwner;
  };
  const claim = db.transaction((userId: string, claimer: string, now: number, limits: ClaimLimits) => {
    const bundle = bundleOf.get(userId);
    if (!bundle) return undefined;
    forgetClaims.run(now);
    const windows = claimWindows(userId, claimer, now, limits);
    const oneTime = withinLimits(windows, limits) ? firstOneTime.get(userId) : undefined;
    if (oneTime) {
      takeOneTime.run(oneTime.seq);
      countClaim.run(windows.owner, windows.ownerEndsAt); // only what is handed out counts for the owner
    }
    return { bundle, oneTime, remaining: countOneTime.get(userId)?.n ?? 0 };
  });

  const forget = db.transaction((userId: string) => {
    dropBundle.run(userId);
    dropOneTime.run(userId);
    dropClaims.run(userId);
  });

  return {
    async publish(userId, identity, signedPrekey, oneTimePrekeys, { limit, replace }) {
      return publish(
        userId,
        JSON.stringify(identity),
        JSON.stringify(signedPrekey),
        oneTimePrekeys.map(({ id, key }) => ({ id, key })),
        limit,
        replace,
      );
    },
    async claim(userId, { claimer, now, limits }) {
      const claimed = claim(userId, claimer, now, limits);
      if (!claimed) return undefined;
      const where = `prekey_bundles of ${userId}`;
      const identity = readStored(
        PublicIdentitySchema,
        `${where}: identity`,
        claimed.bundle.identity,
        report,
      );
      const signedPrekey = readStored(
        SignedPrekeySchema,
        `${where}: signed_prekey`,
        claimed.bundle.signed_prekey,
        report,
      );
      if (!identity || !signedPrekey) return undefined;
      const base = { identity, signedPrekey, remaining: claimed.remaining };
      return claimed.oneTime
        ? { ...base, oneTimePrekey: { id: claimed.oneTime.id, key: claimed.oneTime.key } }
        : base;
    },
    async identity(userId) {
      const stored = identityOf.get(userId);
      return (
        stored &&
        readStored(PublicIdentitySchema, `prekey_bundles of ${userId}: identity`, stored.identity, report)
      );
    },
    async forget(userId) {
      forget(userId);
    },
  };
}
