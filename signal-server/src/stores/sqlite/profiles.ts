import { StoredProfileSchema, type StoredProfile } from '../../../../shared/protocol/profile';
import type { ProfilePutOutcome, ProfileStore } from '../profiles';
import { readStored, type ReportUnreadable } from '../stored';
import type { Database } from './database';

/** Profiles in the embedded database (table `profiles`: one row per user, the newest version). */
export function createSqliteProfileStore(db: Database, report: ReportUnreadable): ProfileStore {
  // Upserts only over an older version: `changes` is 0 when a version as new or newer is held.
  const upsert = db.prepare<[string, number, string]>(
    `INSERT INTO profiles (user_id, version, sealed) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET version = excluded.version, sealed = excluded.sealed
     WHERE excluded.version > profiles.version`,
  );
  const select = db.prepare<[string], { version: number; sealed: string }>(
    'SELECT version, sealed FROM profiles WHERE user_id = ?',
  );
  const remove = db.prepare<[string]>('DELETE FROM profiles WHERE user_id = ?');
  const read = (userId: string): StoredProfile | undefined => {
    const row = select.get(userId);
    return row && readStored(StoredProfileSchema, `profiles ${userId}`, JSON.stringify(row), report);
  };
  const put = db.transaction((userId: string, { version, sealed }: StoredProfile): ProfilePutOutcome => {
    if (upsert.run(userId, version, sealed).changes > 0) return { ok: true };
    return { ok: false, held: select.get(userId)?.version ?? 0 };
  });
  return {
    async put(userId, profile) {
      return put(userId, profile);
    },
    async get(userId) {
      return read(userId);
    },
    async forget(userId) {
      remove.run(userId);
    },
  };
}
