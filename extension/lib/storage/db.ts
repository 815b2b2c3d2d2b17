import { openDB, type IDBPDatabase } from 'idb';
import { DB_NAME, type MessengerDB } from './schema';
import { migrations, type Migration } from './migrations';

/** Opens the database, running every migration between its version and the newest. */
export async function openMessengerDB(
  name: string = DB_NAME,
  steps: readonly Migration[] = migrations,
): Promise<IDBPDatabase<MessengerDB>> {
  const db: IDBPDatabase<MessengerDB> = await openDB<MessengerDB>(name, steps.length, {
    upgrade(upgrading, oldVersion, _newVersion, transaction) {
      for (const step of steps.slice(oldVersion)) step(upgrading, transaction);
    },
    blocked() {
      console.warn('openMessengerDB: an older version of the database is open in another context');
    },
    blocking() {
      // A newer version wants to upgrade: step aside rather than block it.
      db.close();
    },
    terminated() {
      console.error('openMessengerDB: the browser closed the database unexpectedly');
    },
  });
  return db;
}
