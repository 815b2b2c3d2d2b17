import type { Database } from './database';
import { nameKey } from '../../../../shared/names';
import type { AccountStore } from '../accounts';

/** Names bound to keys, kept in the embedded database across restarts. */
export function createSqliteAccountStore(db: Database): AccountStore {
  const ownerOf = db.prepare<[string], { user_id: string }>(
    'SELECT user_id FROM accounts WHERE name_key = ?',
  );
  const nameOf = db.prepare<[string], { name_key: string }>(
    'SELECT name_key FROM accounts WHERE user_id = ?',
  );
  const dropUser = db.prepare<[string]>('DELETE FROM accounts WHERE user_id = ?');
  const insert = db.prepare<[string, string]>('INSERT INTO accounts (name_key, user_id) VALUES (?, ?)');
  const bind = db.transaction((userId: string, key: string): boolean => {
    const owner = ownerOf.get(key)?.user_id;
    if (owner !== undefined && owner !== userId) return false;
    if (owner === userId) return true;
    dropUser.run(userId); // the key takes a new name and frees the old one
    insert.run(key, userId);
    return true;
  });
  return {
    async bindName(userId, name) {
      return bind(userId, nameKey(name)) ? { ok: true } : { ok: false, reason: 'name-taken' };
    },
    async lookup(name) {
      return ownerOf.get(nameKey(name))?.user_id;
    },
    async known(userId) {
      return nameOf.get(userId) !== undefined;
    },
  };
}
