import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { nameSkeleton } from '../name-skeleton';

export type Database = BetterSqlite3.Database;

/** A schema step: SQL, or a function for what SQL cannot compute (it runs inside the migration's transaction). */
export type Migration = string | ((db: BetterSqlite3.Database) => void);

/** Numbered schema steps; `user_version` records how many have run. Never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
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
  // Storage quotas: when each key was first seen (0: before this step, so not new), the skeleton of each name
  // (look-alikes), what each sender has held (kept by triggers; '' is everyone), prekey claims per window.
  `ALTER TABLE accounts ADD COLUMN first_seen INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE accounts ADD COLUMN skeleton TEXT NOT NULL DEFAULT '';
   CREATE INDEX accounts_by_skeleton ON accounts (skeleton);
   CREATE TABLE mail_usage (sender TEXT PRIMARY KEY, messages INTEGER NOT NULL, bytes INTEGER NOT NULL) STRICT;
   INSERT INTO mail_usage (sender, messages, bytes) SELECT sender, count(*), sum(size) FROM mail GROUP BY sender;
   INSERT INTO mail_usage (sender, messages, bytes) SELECT '', count(*), coalesce(sum(size), 0) FROM mail;
   CREATE TRIGGER mail_usage_put AFTER INSERT ON mail BEGIN
     INSERT INTO mail_usage (sender, messages, bytes) VALUES (NEW.sender, 1, NEW.size), ('', 1, NEW.size)
       ON CONFLICT (sender) DO UPDATE SET messages = messages + 1, bytes = bytes + excluded.bytes;
   END;
   CREATE TRIGGER mail_usage_drop AFTER DELETE ON mail BEGIN
     UPDATE mail_usage SET messages = messages - 1, bytes = bytes - OLD.size WHERE sender IN (OLD.sender, '');
     DELETE FROM mail_usage WHERE sender = OLD.sender AND messages = 0;
   END;
   CREATE TABLE prekey_claims (window_key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at INTEGER NOT NULL) STRICT;
   CREATE INDEX prekey_claims_by_expiry ON prekey_claims (expires_at);`,
  (db) => {
    const setSkeleton = db.prepare<[string, string]>('UPDATE accounts SET skeleton = ? WHERE name_key = ?');
    const names = db.prepare<[], { name_key: string }>('SELECT name_key FROM accounts').all();
    for (const { name_key } of names) setSkeleton.run(nameSkeleton(name_key), name_key);
  },
  // Rooms with signed membership logs: rooms from before carry no log a client could check, so they go. Each
  // person's row says whether they are a member or invited (and by whom), so invitations are counted apart.
  `DELETE FROM rooms;
   DROP TABLE room_people;
   CREATE TABLE room_people (
     user_id TEXT NOT NULL, room_id TEXT NOT NULL, invited_by TEXT, PRIMARY KEY (user_id, room_id)) STRICT;
   CREATE INDEX room_people_by_inviter ON room_people (invited_by) WHERE invited_by IS NOT NULL;`,
  // Skeletons taken before lowercasing and without Inherited marks ("aIice", "ali̇ce" look like "alice"): recomputed
  // from the key, the only spelling kept; a key's next sign-in stores its own spelling's.
  (db) => {
    const setSkeleton = db.prepare<[string, string]>('UPDATE accounts SET skeleton = ? WHERE name_key = ?');
    const names = db.prepare<[], { name_key: string }>('SELECT name_key FROM accounts').all();
    for (const { name_key } of names) setSkeleton.run(nameSkeleton(name_key), name_key);
  },
  // Names can be released (by their key, or by the server after NAME_INACTIVITY_RELEASE_MS without a sign-in)
  // while the key stays known: when each key was first seen moves to a table of its own, and each name records
  // when its key last signed in (names bound before count as seen now, so none is released by the upgrade). Mail
  // is indexed by sender too, to forget a deleted account's outgoing mail.
  (db) => {
    db.exec(`CREATE TABLE identities (user_id TEXT PRIMARY KEY, first_seen INTEGER NOT NULL) STRICT;
     INSERT INTO identities (user_id, first_seen) SELECT user_id, first_seen FROM accounts;
     ALTER TABLE accounts DROP COLUMN first_seen;
     ALTER TABLE accounts ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
     CREATE INDEX accounts_by_last_seen ON accounts (last_seen);
     CREATE INDEX mail_by_sender ON mail (sender);`);
    db.prepare<[number]>('UPDATE accounts SET last_seen = ?').run(Date.now());
  },
  // Blocks: who refuses whose mail and signaling. Indexed by blocked user too, to forget a deleted account's.
  `CREATE TABLE blocks (blocker TEXT NOT NULL, blocked TEXT NOT NULL, PRIMARY KEY (blocker, blocked)) STRICT;
   CREATE INDEX blocks_by_blocked ON blocks (blocked);`,
  // Public rooms: what browsing shows of each listed room (kept with the room by each change), and listings
  // counted per user per window (their rate limit).
  `CREATE TABLE room_listings (
     room_id TEXT PRIMARY KEY, name_key TEXT NOT NULL, name TEXT NOT NULL, members INTEGER NOT NULL,
     listed_by TEXT NOT NULL, listed_at INTEGER NOT NULL) STRICT;
   CREATE INDEX room_listings_by_time ON room_listings (listed_at DESC, room_id DESC);
   CREATE INDEX room_listings_by_lister ON room_listings (listed_by);
   CREATE TABLE room_listing_counts (
     user_id TEXT NOT NULL, window_start INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (user_id, window_start)) STRICT;`,
  // Profiles: each user's newest sealed profile (ciphertext the server cannot open) and its version.
  `CREATE TABLE profiles (user_id TEXT PRIMARY KEY, version INTEGER NOT NULL, sealed TEXT NOT NULL) STRICT;`,
];

/** The embedded database: one SQLite file in `dataDir` (or in memory for `:memory:`), migrated on open. */
export function openDatabase(dataDir: string, migrations: readonly Migration[] = MIGRATIONS): Database {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'signal-server.sqlite');
  }
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new Error(
      `openDatabase: ${file} was written by a newer server (schema ${version}); upgrade the server`,
    );
  }
  db.transaction(() => {
    for (const step of migrations.slice(version)) {
      if (typeof step === 'string') db.exec(step);
      else step(db);
    }
    db.pragma(`user_version = ${migrations.length}`);
  })();
  return db;
}
