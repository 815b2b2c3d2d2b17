import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { createContactBookStore } from '../../../extension/lib/storage/contact-book-store';
import type { Records } from '../../../extension/lib/storage/records';
import { randomId } from '../../../shared/ids';
import { contactRecord, randomKey } from '../../support/contacts';
import { testVaultStorage } from '../../support/vault';

/** Records in a map, with a tag that shows which text it hides (the real one is an HMAC). */
function memoryRecords(): Records & { readonly map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return {
    map,
    get: async (key) => map.get(key),
    put: async (key, value) => void map.set(key, value),
    delete: async (key) => void map.delete(key),
    list: async (prefix) => [...map].filter(([key]) => key.startsWith(prefix)).map(([, value]) => value),
    tag: (text) => `tag(${text})`,
  };
}

describe('contact book store', () => {
  it('keeps each contact under a tag of their user id, replaced on put and gone on delete', async () => {
    const records = memoryRecords();
    const store = createContactBookStore(records);
    const [bob, carol] = [randomId(), randomId()];
    const asked = contactRecord(bob, 'outgoing', { owed: 'request', greeting: 'hi' });
    await store.put(asked);
    await store.put(contactRecord(carol, 'blocked'));
    expect([...records.map.keys()].sort()).toEqual([`book:tag(${bob})`, `book:tag(${carol})`].sort());
    const accepted = contactRecord(bob, 'accepted', { alias: 'B', muted: true, nameReused: true });
    await store.put(accepted);
    await store.delete(carol);
    expect(await store.all()).toEqual([accepted]);
  });

  it('skips a record it cannot read, with a warning, and returns the others', async () => {
    const records = memoryRecords();
    const store = createContactBookStore(records);
    const bob = contactRecord(randomId(), 'accepted');
    await store.put(bob);
    records.map.set('book:broken', { ...contactRecord(randomId(), 'accepted'), state: 'friends' });
    records.map.set('book:short', { ...contactRecord(randomId(), 'incoming'), secret: 'too short' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(await store.all()).toEqual([bob]);
      expect(warn).toHaveBeenCalledTimes(2);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('a stored contact is unreadable'));
    } finally {
      warn.mockRestore();
    }
  });

  it('round-trips through a real vault, across unlocking again', async () => {
    const storage = testVaultStorage();
    const vault = await storage.create('book passphrase');
    const secret = randomKey();
    const bob = contactRecord(randomId(), 'accepted', { name: 'Bob', secret });
    await vault.book.put(bob);
    const again = await storage.unlock('book passphrase');
    expect(await again.book.all()).toEqual([bob]);
    await again.book.delete(bob.userId);
    expect(await (await storage.unlock('book passphrase')).book.all()).toEqual([]);
  });
});
