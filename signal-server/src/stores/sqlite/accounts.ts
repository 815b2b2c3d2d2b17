import type { Database } from './database';
import { nameKey } from '../../../../shared/names';
import type { AccountStore, BindOutcome } from '../accounts';
import { nameSkeleton } from '../name-skeleton';

/** Names bound to keys, kept in the embedded database across restarts. */
export function createSqliteAccountStore(db: Database): AccountStore {
  const ownerOf = db.prepare<[string], { user_id: string }>(
    'SELECT user_id FROM accounts WHERE name_key = ?',
  );
  const lookAlikeOwner = db.prepare<[string, string], { user_id: string }>(
    'SELECT user_id FROM accounts WHERE skeleton = ? AND user_id <> ? LIMIT 1',
  );
  const accountOf = db.prepare<[string], { name_key: string; first_seen: number }>(
    'SELECT name_key, first_seen FROM accounts WHERE user_id = ?',
  );
  const dropUser = db.prepare<[string]>('DELETE FROM accounts WHERE user_id = ?');
  const setSkeleton = db.prepare<[string, string]>('UPDATE accounts SET skeleton = ? WHERE user_id = ?');
  const insert = db.prepare<[string, string, string, number]>(
    'INSERT INTO accounts (name_key, user_id, skeleton, first_seen) VALUES (?, ?, ?, ?)',
  );
  const bind = db.transaction((userId: string, key: string, skeleton: string, now: number): BindOutcome => {
    const owner = ownerOf.get(key)?.user_id;
    if (owner !== undefined && owner !== userId) return { ok: false, reason: 'name-taken' };
    if (owner === userId) {
      // Kept as this spelling's: a skeleton recomputed from the lowercased key alone ("AIice" → "aiice") is corrected.
      setSkeleton.run(skeleton, userId);
      return { ok: true };
    }
    if (lookAlikeOwner.get(skeleton, userId)) return { ok: false, reason: 'look-alike' };
    const firstSeen = accountOf.get(userId)?.first_seen ?? now;
    dropUser.run(userId); // the key takes a new name and frees the old one, but stays as old as it was
    insert.run(key, userId, skeleton, firstSeen);
    return { ok: true };
  });
  return {
    async bindName(userId, name, now = Date.now()) {
      return bind(userId, nameKey(name), nameSkeleton(name), now);
    },
    async lookup(name) {
      return ownerOf.get(nameKey(name))?.user_id;
    },
    async known(userId) {
      return accountOf.get(userId) !== undefined;
    },
    async firstSeen(userId) {
      return accountOf.get(userId)?.first_seen;
    },
  };
}
