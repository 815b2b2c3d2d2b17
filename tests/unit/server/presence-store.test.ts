import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { createMemoryAccountStore } from '../../../signal-server/src/stores/memory/accounts';
import { createMemoryPresenceStore } from '../../../signal-server/src/stores/memory/presence';

const user = (name: string) => ({ userId: randomId(), name, signingKey: 'key' });

describe('memory presence store', () => {
  it('lists users until their session ends', async () => {
    const store = createMemoryPresenceStore();
    const alice = user('Alice');
    expect(await store.claim(alice, 's1')).toEqual({});
    expect(await store.list()).toEqual([alice]);
    expect(await store.release(alice.userId, 's1')).toBe(true);
    expect(await store.count()).toBe(0);
  });

  it('lets a newer session replace an older one, which then cannot take the user offline', async () => {
    const store = createMemoryPresenceStore();
    const bob = user('Bob');
    await store.claim(bob, 'old');
    expect(await store.claim(bob, 'new')).toEqual({ replaced: 'old' });
    expect(await store.release(bob.userId, 'old')).toBe(false);
    expect(await store.count()).toBe(1);
  });
});

describe('memory account store', () => {
  it('binds a name to one user, case-insensitively, and frees it when that user takes another', async () => {
    const accounts = createMemoryAccountStore();
    const [alice, mallory] = [randomId(), randomId()];
    expect(await accounts.bindName(alice, 'Alice')).toEqual({ ok: true });
    expect(await accounts.bindName(alice, 'Alice')).toEqual({ ok: true });
    expect(await accounts.bindName(mallory, 'ALICE')).toEqual({ ok: false, reason: 'name-taken' });
    expect(await accounts.bindName(alice, 'Alicia')).toEqual({ ok: true });
    expect(await accounts.bindName(mallory, 'alice')).toEqual({ ok: true });
    expect(await accounts.bindName(alice, 'Alice')).toEqual({ ok: false, reason: 'name-taken' });
  });
});
