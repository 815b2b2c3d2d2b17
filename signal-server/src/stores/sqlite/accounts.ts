import type { Database } from './database';
import { nameKey } from '../../../../shared/names';
import type { AccountStore, BindOutcome } from '../accounts';
import { nameSkeleton } from '../name-skeleton';

/**
 * Names bound to keys, kept in the embedded database across restarts: `accounts` holds the names (with their
 * skeleton and when their key last signed in), `identities` every key seen (and when first), named or not.
 */
export function createSqliteAccountStore(db: Database): AccountStore {
  const ownerOf = db.prepare<[string], { user_id: string }>(
    'SELECT user_id FROM accounts WHERE name_key = ?',
  );
  const lookAlikeOwner = db.prepare<[string, string], { user_id: string }>(
    'SELECT user_id FROM accounts WHERE skeleton = ? AND user_id <> ? LIMIT 1',
  );
  const identityOf = db.prepare<[string], { first_seen: number }>(
    'SELECT first_seen FROM identities WHERE user_id = ?',
  );
  const seeFirst = db.prepare<[string, number]>(
    'INSERT INTO identities (user_id, first_seen) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING',
  );
  const dropName = db.prepare<[string]>('DELETE FROM accounts WHERE user_id = ?');
  const dropIdentity = db.prepare<[string]>('DELETE FROM identities WHERE user_id = ?');
  const touch = db.prepare<[string, number, string]>(
    'UPDATE accounts SET skeleton = ?, last_seen = ? WHERE user_id = ?',
  );
  const insert = db.prepare<[string, string, string, number]>(
    'INSERT INTO accounts (name_key, user_id, skeleton, last_seen) VALUES (?, ?, ?, ?)',
  );
  // Through the last_seen index: only the names to release are read, however many keys the server knows.
  const dropInactive = db.prepare<[number, number], { user_id: string }>(
    `DELETE FROM accounts WHERE name_key IN (
       SELECT name_key FROM accounts WHERE last_seen < ? ORDER BY last_seen LIMIT ?)
     RETURNING user_id`,
  );
  const bind = db.transaction((userId: string, key: string, skeleton: string, now: number): BindOutcome => {
    const owner = ownerOf.get(key)?.user_id;
    if (owner !== undefined && owner !== userId) return { ok: false, reason: 'name-taken' };
    if (owner === userId) {
      // Kept as this spelling's: a skeleton recomputed from the lowercased key alone ("AIice" → "aiice") is corrected.
      touch.run(skeleton, now, userId);
    } else {
      if (lookAlikeOwner.get(skeleton, userId)) return { ok: false, reason: 'look-alike' };
      dropName.run(userId); // the key takes a new name and frees the old one
      insert.run(key, userId, skeleton, now);
    }
    seeFirst.run(userId, now); // the first sign-in only: a key stays as old as it was, across its names
    return { ok: true };
  });
  const forget = db.transaction((userId: string) => {
    dropName.run(userId);
    dropIdentity.run(userId);
  });
  return {
    async bindName(userId, name, now = Date.now()) {
      return bind(userId, nameKey(name), nameSkeleton(name), now);
    },
    async lookup(name) {
      return ownerOf.get(nameKey(name))?.user_id;
    },
    async known(userId) {
      return identityOf.get(userId) !== undefined;
    },
    async firstSeen(userId) {
      return identityOf.get(userId)?.first_seen;
    },
    async releaseName(userId) {
      return dropName.run(userId).changes > 0;
    },
    async releaseInactive(before, limit) {
      return dropInactive.all(before, limit).map((row) => row.user_id);
    },
    async forget(userId) {
      forget(userId);
    },
  };
}
