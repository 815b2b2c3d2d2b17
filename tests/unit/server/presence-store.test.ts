import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { createMemoryPresenceStore } from '../../../signal-server/src/stores/memory/presence';

describe('memory presence store', () => {
  it('holds a name for one user at a time, case-insensitively, and frees it on release', async () => {
    const store = createMemoryPresenceStore();
    const alice = { userId: randomId(), name: 'Alice' };
    const other = { userId: randomId(), name: 'alice' };
    expect(await store.claim(alice, 's1')).toEqual({ ok: true });
    expect(await store.claim(other, 's2')).toEqual({ ok: false, reason: 'name-taken' });
    expect(await store.release(alice.userId, 's1')).toBe(true);
    expect(await store.claim(other, 's2')).toEqual({ ok: true });
    expect(await store.list()).toEqual([other]);
  });

  it('lets a newer session replace an older one, which then cannot take the user offline', async () => {
    const store = createMemoryPresenceStore();
    const user = { userId: randomId(), name: 'Bob' };
    await store.claim(user, 'old');
    expect(await store.claim({ ...user, name: 'Robert' }, 'new')).toEqual({ ok: true, replaced: 'old' });
    expect(await store.release(user.userId, 'old')).toBe(false);
    expect(await store.count()).toBe(1);
    // The old name was freed by the rename.
    expect(await store.claim({ userId: randomId(), name: 'Bob' }, 'third')).toEqual({ ok: true });
  });
});
