import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;

/** Numbered schema steps; `user_version` records how many have run. Never edit one that has shipped. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE accounts (name_key TEXT PRIMARY KEY, user_id TEXT NOT NULL UNIQUE) STRICT;
   CREATE TABLE prekey_bundles (user_id TEXT PRIMARY KEY, identity TEXT NOT NULL, signed_prekey TEXT NOT NULL) STRICT;
   CREATE TABLE one_time_prekeys (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, id INTEGER NOT NULL, key TEXT NOT NULL,
     UNIQUE (user_id, id)) STRICT;
   CREATE TABLE mail (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, mail_id TEXT NOT NULL UNIQUE, recipient TEXT NOT NULL,
     sender TEXT NOT NULL, message_id TEXT NOT NULL, item TEXT NOT NULL, size INTEGER NOT NULL,
     expires_at INTEGER NOT NULL, UNIQUE (recipient, sender, message_id)) STRICT;
   CREATE INDEX mail_by_recipient ON mail (recipient, seq);
   CREATE INDEX mail_by_expiry ON mail (expires_at);`,
  `CREATE TABLE rooms (room_id TEXT PRIMARY KEY, room TEXT NOT NULL) STRICT;
   CREATE TABLE room_people (user_id TEXT NOT NULL, room_id TEXT NOT NULL, PRIMARY KEY (user_id, room_id)) STRICT;`,
];

/** The embedded database: one SQLite file in `dataDir` (or in memory for `:memory:`), migrated on open. */
export function openDatabase(dataDir: string): Database {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'signal-server.sqlite');
  }
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(
      `openDatabase: ${file} was written by a newer server (schema ${version}); upgrade the server`,
    );
  }
  db.transaction(() => {
    for (const step of MIGRATIONS.slice(version)) db.exec(step);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
  return db;
}
