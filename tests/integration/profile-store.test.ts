/**
 * The profile store's contract, on both stores (SQLite, and Redis when installed): one sealed profile per user,
 * versions only going up, forgotten with the account; and the migration that adds it to the embedded database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../shared/ids';
import { createEmbeddedStores } from '../../signal-server/src/stores';
import { MIGRATIONS, openDatabase } from '../../signal-server/src/stores/sqlite/database';
import { storeBackends } from '../support/store-backends';
import { TEST_MAILBOX_LIMITS } from '../support/stores';

const { backends } = storeBackends();
const sealed = (fill: string) => fill.repeat(64);

describe.each(backends)('%s profile store', (_name, open) => {
  it('keeps the newest version of each user, refusing one not above the version held (and saying which)', async () => {
    const { profiles } = open();
    const [alice, bob] = [randomId(), randomId()];
    expect(await profiles.get(alice)).toBeUndefined();
    expect(await profiles.put(alice, { version: 1, sealed: sealed('a') })).toEqual({ ok: true });
    expect(await profiles.put(alice, { version: 3, sealed: sealed('b') })).toEqual({ ok: true });
    expect(await profiles.put(alice, { version: 3, sealed: sealed('c') })).toEqual({ ok: false, held: 3 });
    expect(await profiles.put(alice, { version: 2, sealed: sealed('d') })).toEqual({ ok: false, held: 3 });
    expect(await profiles.get(alice)).toEqual({ version: 3, sealed: sealed('b') });
    expect(await profiles.put(bob, { version: 1, sealed: sealed('e') })).toEqual({ ok: true });
    expect(await profiles.get(bob)).toEqual({ version: 1, sealed: sealed('e') });
  });

  it('applies concurrent puts as one after another: the highest version wins', async () => {
    const { profiles } = open();
    const alice = randomId();
    const outcomes = await Promise.all(
      [5, 2, 9, 7, 1].map((version) => profiles.put(alice, { version, sealed: sealed(String(version)) })),
    );
    expect(outcomes.filter((outcome) => outcome.ok).length).toBeGreaterThanOrEqual(1);
    expect(await profiles.get(alice)).toEqual({ version: 9, sealed: sealed('9') });
  });

  it('forgets a user’s profile, and only theirs; a forgotten user may start again at version 1', async () => {
    const { profiles } = open();
    const [alice, bob] = [randomId(), randomId()];
    await profiles.put(alice, { version: 4, sealed: sealed('a') });
    await profiles.put(bob, { version: 2, sealed: sealed('b') });
    await profiles.forget(alice);
    expect(await profiles.get(alice)).toBeUndefined();
    expect(await profiles.get(bob)).toEqual({ version: 2, sealed: sealed('b') });
    expect(await profiles.put(alice, { version: 1, sealed: sealed('c') })).toEqual({ ok: true });
  });
});

describe('the embedded profile store on disk', () => {
  it('migration 10 adds profiles, keeps what was stored before it, and they survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signal-profiles-'));
    try {
      const alice = randomId();
      const before = openDatabase(dir, MIGRATIONS.slice(0, 9));
      expect(() => before.prepare('SELECT * FROM profiles').all()).toThrow(/no such table/);
      before
        .prepare('INSERT INTO accounts (name_key, user_id, skeleton, last_seen) VALUES (?, ?, ?, ?)')
        .run('alice', alice, 'alice', Date.now());
      before.close();

      const db = openDatabase(dir);
      const after = createEmbeddedStores(db, TEST_MAILBOX_LIMITS);
      expect(await after.accounts.lookup('Alice')).toBe(alice);
      expect(await after.profiles.put(alice, { version: 1, sealed: sealed('a') })).toEqual({ ok: true });
      db.close();

      const reopened = openDatabase(dir);
      expect(await createEmbeddedStores(reopened, TEST_MAILBOX_LIMITS).profiles.get(alice)).toEqual({
        version: 1,
        sealed: sealed('a'),
      });
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
