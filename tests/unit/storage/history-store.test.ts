import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { openMessengerDB } from '../../../extension/lib/storage/db';
import type { ChatMessage } from '../../../extension/lib/model';
import { testVaultStorage } from '../../support/vault';

const PASSPHRASE = 'correct horse';
const alice = randomId();

const message = (text: string): ChatMessage => ({
  id: randomId(),
  peerId: alice,
  direction: 'out',
  text,
  sentAt: Date.UTC(2026, 0, 1),
  status: 'sending',
});

/** The conversation's index values as stored, in index order. */
async function places(dbName: string): Promise<number[]> {
  const db = await openMessengerDB(dbName);
  const seqs = (await db.getAllFromIndex('messages', 'by-conversation')).map((stored) => stored.seq);
  db.close();
  return seqs;
}

afterEach(() => vi.restoreAllMocks());

describe('the history store on the message path', () => {
  it('stores a new message and a status change without reading first, once the conversation is loaded', async () => {
    const vault = await testVaultStorage().create(PASSPHRASE);
    await vault.history.put(message('before'));
    await vault.history.list(alice); // the engine loads a conversation before it writes to it
    const gets = vi.spyOn(IDBObjectStore.prototype, 'get');
    const cursors = vi.spyOn(IDBIndex.prototype, 'openKeyCursor');
    const sent = message('ping');
    await vault.history.put(sent);
    await vault.history.put({ ...sent, status: 'sent' });
    await vault.history.put({ ...sent, status: 'delivered' });
    expect(gets).not.toHaveBeenCalled();
    expect(cursors).not.toHaveBeenCalled();
    expect((await vault.history.list(alice)).map((m) => [m.text, m.status])).toEqual([
      ['before', 'sending'],
      ['ping', 'delivered'],
    ]);
  });

  it('gives every message its own place, in order, with puts at once and across a restart', async () => {
    const storage = testVaultStorage();
    const vault = await storage.create(PASSPHRASE);
    // Never listed: the first puts read their place from the database, at the same time.
    await Promise.all(['a', 'b', 'c'].map((text) => vault.history.put(message(text))));
    await vault.history.list(alice);
    await Promise.all(['d', 'e'].map((text) => vault.history.put(message(text))));
    const reopened = await storage.unlock(PASSPHRASE); // a restarted engine: nothing cached
    await reopened.history.put(message('f'));
    expect(await places(storage.dbName)).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await reopened.history.list(alice)).map((m) => m.text)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});

describe('the history store, each conversation’s newest message', () => {
  it('gives the last message of each conversation asked, opening one message each (none for a conversation without any)', async () => {
    const storage = testVaultStorage();
    const vault = await storage.create(PASSPHRASE);
    const bob = randomId();
    const room = `r${randomId()}`;
    for (const text of ['a', 'b', 'c']) await vault.history.put(message(text));
    await vault.history.put({ ...message('to Bob'), peerId: bob });
    const last = { ...message('in the room'), peerId: room };
    await vault.history.put({ ...message('first in the room'), peerId: room });
    await vault.history.put(last);
    await vault.history.put({ ...last, status: 'read' }); // a change keeps its place: still the newest
    const reopened = await storage.unlock(PASSPHRASE); // a restarted engine: nothing cached
    const cursors = vi.spyOn(IDBIndex.prototype, 'openCursor');
    const steps = vi.spyOn(IDBCursor.prototype, 'continue');
    const newest = await reopened.history.newest([alice, bob, room, randomId()]);
    expect([...newest].map(([peerId, found]) => [peerId, found.text, found.status])).toEqual([
      [alice, 'c', 'sending'],
      [bob, 'to Bob', 'sending'],
      [room, 'in the room', 'read'],
    ]);
    // One entry per conversation asked: never a walk through a history.
    expect(cursors).toHaveBeenCalledTimes(4);
    expect(steps).not.toHaveBeenCalled();
  });
});

describe('the history store, a page of a conversation', () => {
  it('reads the newest messages before one through the index, past a place left empty', async () => {
    const storage = testVaultStorage();
    const vault = await storage.create(PASSPHRASE);
    const messages = Array.from({ length: 10 }, (_, index) => message(`m${index}`));
    await vault.restore({ identity: vault.identity, contacts: [], messages });
    // A place left empty (a write that failed, say): the page takes the next message below it.
    const db = await openMessengerDB(storage.dbName);
    const keys = await db.getAllKeysFromIndex('messages', 'by-conversation');
    await db.delete('messages', keys[5] ?? '');
    db.close();
    const reopened = await storage.unlock(PASSPHRASE); // nothing cached
    const texts = (page: readonly ChatMessage[]): string[] => page.map(({ text }) => text);
    expect(texts(await reopened.history.page(alice, undefined, 3))).toEqual(['m7', 'm8', 'm9']);
    expect(texts(await reopened.history.page(alice, messages[8]?.id, 4))).toEqual(['m3', 'm4', 'm6', 'm7']);
    expect(texts(await reopened.history.page(alice, messages[2]?.id, 4))).toEqual(['m0', 'm1']);
    expect(await reopened.history.page(alice, messages[5]?.id, 4)).toEqual([]); // not stored
    expect(await reopened.history.page(randomId(), undefined, 4)).toEqual([]);
    expect((await reopened.history.get(alice, messages[9]?.id ?? ''))?.text).toBe('m9');
    expect(await reopened.history.get(alice, messages[5]?.id ?? '')).toBeUndefined();
    // A new message after a page read goes after the last, without reading its place first.
    const gets = vi.spyOn(IDBObjectStore.prototype, 'get');
    await reopened.history.put(message('m10'));
    expect(gets).not.toHaveBeenCalled();
    expect(texts(await reopened.history.page(alice, undefined, 2))).toEqual(['m9', 'm10']);
  });
});
