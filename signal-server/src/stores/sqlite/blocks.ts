import type { BlockOutcome, BlockStore } from '../blocks';
import type { Database } from './database';

/** Blocks in the embedded database (table `blocks`, indexed both ways: by blocker and by blocked). */
export function createSqliteBlockStore(db: Database): BlockStore {
  const has = db.prepare<[string, string], { one: number }>(
    'SELECT 1 AS one FROM blocks WHERE blocker = ? AND blocked = ?',
  );
  const countOf = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM blocks WHERE blocker = ?');
  const insert = db.prepare<[string, string]>('INSERT INTO blocks (blocker, blocked) VALUES (?, ?)');
  const remove = db.prepare<[string, string]>('DELETE FROM blocks WHERE blocker = ? AND blocked = ?');
  const forget = db.prepare<[string, string]>('DELETE FROM blocks WHERE blocker = ? OR blocked = ?');
  const set = db.transaction((blocker: string, user: string, blocked: boolean, max: number): BlockOutcome => {
    if (!blocked) remove.run(blocker, user);
    else if (!has.get(blocker, user)) {
      if ((countOf.get(blocker)?.n ?? 0) >= max) return { ok: false };
      insert.run(blocker, user);
    }
    return { ok: true, count: countOf.get(blocker)?.n ?? 0 };
  });
  return {
    async set(blocker, user, blocked, max) {
      return set(blocker, user, blocked, max);
    },
    async blocks(blocker, user) {
      return has.get(blocker, user) !== undefined;
    },
    async forget(userId) {
      forget.run(userId, userId);
    },
  };
}
