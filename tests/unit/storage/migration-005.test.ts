import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { openMessengerDB } from '../../../extension/lib/storage/db';
import { migrations } from '../../../extension/lib/storage/migrations';
import { createVaultStorage, type UnlockedVault } from '../../../extension/lib/storage/vault-storage';
import type { ChatMessage } from '../../../extension/lib/model';
import { FAST_KDF, testVaultStorage } from '../../support/vault';

const PASSPHRASE = 'correct horse';
const [alice, bob] = [randomId(), randomId()];

const message = (peerId: string, text: string): ChatMessage => ({
  id: randomId(),
  peerId,
  direction: 'in',
  text,
  sentAt: Date.UTC(2026, 0, 1),
  status: 'delivered',
});

/** Stores, in this order: alice 1, bob 1, alice 2, alice 3, bob 2. */
async function storeInterleaved(vault: UnlockedVault): Promise<void> {
  for (const [peerId, text] of [
    [alice, 'alice 1'],
    [bob, 'bob 1'],
    [alice, 'alice 2'],
    [alice, 'alice 3'],
    [bob, 'bob 2'],
  ] as const)
    await vault.history.put(message(peerId, text));
}

/** What anyone reading the database sees of the history: each conversation tag and its index values, in order. */
async function clearIndex(name: string, version = migrations.length): Promise<number[][]> {
  const db = await openMessengerDB(name, migrations.slice(0, version));
  const byConversation = new Map<string, number[]>();
  for (const stored of await db.getAllFromIndex('messages', 'by-conversation'))
    byConversation.set(stored.conversation, [...(byConversation.get(stored.conversation) ?? []), stored.seq]);
  db.close();
  return [...byConversation.values()].sort((a, b) => b.length - a.length);
}

const texts = async (vault: UnlockedVault, peerId: string): Promise<string[]> =>
  (await vault.history.list(peerId)).map((m) => m.text);

describe('the history index', () => {
  it('holds each message’s rank in its conversation, not the time it was stored', async () => {
    const storage = testVaultStorage();
    const vault = await storage.create(PASSPHRASE);
    await storeInterleaved(vault);
    await vault.history.put({ ...message(alice, 'ignored'), text: 'alice 1 again' }); // a new id: a new place
    expect(await clearIndex(storage.dbName)).toEqual([
      [0, 1, 2, 3],
      [0, 1],
    ]);
    expect(await texts(vault, alice)).toEqual(['alice 1', 'alice 2', 'alice 3', 'alice 1 again']);
    expect(await texts(vault, bob)).toEqual(['bob 1', 'bob 2']);
  });

  it('keeps a known message in its place when its status changes', async () => {
    const vault = await testVaultStorage().create(PASSPHRASE);
    const first = message(alice, 'first');
    await vault.history.put(first);
    await vault.history.put(message(alice, 'second'));
    await vault.history.put({ ...first, status: 'read' });
    expect((await vault.history.list(alice)).map((m) => [m.text, m.status])).toEqual([
      ['first', 'read'],
      ['second', 'delivered'],
    ]);
  });

  it('numbers a restored history per conversation too', async () => {
    const storage = testVaultStorage();
    const vault = await storage.create(PASSPHRASE);
    await storeInterleaved(vault);
    const restored = await vault.restore(await vault.exportContent());
    expect(await clearIndex(storage.dbName)).toEqual([
      [0, 1, 2],
      [0, 1],
    ]);
    expect(await texts(restored, alice)).toEqual(['alice 1', 'alice 2', 'alice 3']);
  });

  it('005 renumbers what version 4 stored under Date.now() * 1000, keeping each conversation’s order', async () => {
    const name = `test-${randomId()}`;
    const v4 = await createVaultStorage(openMessengerDB(name, migrations.slice(0, 4)), FAST_KDF).create(
      PASSPHRASE,
    );
    await storeInterleaved(v4);
    // As version 4 stored them: the time each came, in microseconds, one clock for every conversation.
    const raw = await openMessengerDB(name, migrations.slice(0, 4));
    const conversations: string[] = [];
    for (const key of await raw.getAllKeys('messages')) {
      const stored = await raw.get('messages', key);
      if (!stored) continue;
      if (!conversations.includes(stored.conversation)) conversations.push(stored.conversation);
      const then =
        1_764_000_000_000_000 + stored.seq * 1_000_000 + conversations.indexOf(stored.conversation) * 1000;
      await raw.put('messages', { ...stored, seq: then }, key);
    }
    raw.close();
    expect((await clearIndex(name, 4)).flat().every((seq) => seq >= 1_764_000_000_000_000)).toBe(true);

    const v5 = await testVaultStorage(name).unlock(PASSPHRASE);
    expect(await clearIndex(name)).toEqual([
      [0, 1, 2],
      [0, 1],
    ]);
    expect(await texts(v5, alice)).toEqual(['alice 1', 'alice 2', 'alice 3']);
    expect(await texts(v5, bob)).toEqual(['bob 1', 'bob 2']);
  });
});
