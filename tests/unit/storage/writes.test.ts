import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openMessengerDB } from '../../../extension/lib/storage/db';
import { WRITE_SOON_MS, createWrites } from '../../../extension/lib/storage/writes';
import type { Sealed } from '../../../extension/lib/vault/seal';

const sealed = (byte: number): Sealed => ({
  nonce: new Uint8Array([byte]),
  box: new Uint8Array([byte, byte]),
});
const newTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
let dbCount = 0;

afterEach(() => vi.restoreAllMocks());

describe('writes', () => {
  it('commits the writes issued in one task together, in one transaction', async () => {
    const db = await openMessengerDB(`writes-${dbCount++}`);
    const writes = createWrites(db);
    const transactions = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const step = Promise.all([
      writes.put('records', 'session', sealed(1)),
      // A microtask later, as an engine step's next write comes: still the same transaction.
      Promise.resolve().then(() => writes.put('records', 'outbox', sealed(2))),
      writes.put('messages', 'message', { conversation: 'c', seq: 0, sealed: sealed(3) }),
    ]);
    await step;
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(await db.get('records', 'session')).toEqual(sealed(1));
    expect(await db.get('records', 'outbox')).toEqual(sealed(2));
    expect((await db.get('messages', 'message'))?.seq).toBe(0);
    db.close();
  });

  it('starts a new transaction for a write that comes once the last one has committed', async () => {
    const db = await openMessengerDB(`writes-${dbCount++}`);
    const writes = createWrites(db);
    const transactions = vi.spyOn(IDBDatabase.prototype, 'transaction');
    await writes.put('records', 'a', sealed(1));
    await writes.put('records', 'a', sealed(2));
    expect(transactions).toHaveBeenCalledTimes(2);
    expect(await db.get('records', 'a')).toEqual(sealed(2)); // in the order they were issued
    await writes.delete('records', 'a');
    expect(await db.get('records', 'a')).toBeUndefined();
    db.close();
  });

  it('lets a read started after a write see it, before the write has resolved', async () => {
    const db = await openMessengerDB(`writes-${dbCount++}`);
    const writes = createWrites(db);
    const written = writes.put('records', 'k', sealed(7));
    const read = db.get('records', 'k');
    expect(await read).toEqual(sealed(7));
    await written;
    db.close();
  });

  it('rejects every write of a transaction that aborts, and the next task writes again', async () => {
    const db = await openMessengerDB(`writes-${dbCount++}`);
    const writes = createWrites(db);
    const transactions = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const session = writes.put('records', 'session', sealed(1));
    const message = writes.put('messages', 'message', { conversation: 'c', seq: 0, sealed: sealed(2) });
    (transactions.mock.results[0]?.value as IDBTransaction).abort(); // as a full disk would
    await expect(session).rejects.toBeDefined();
    await expect(message).rejects.toBeDefined();
    expect(await db.get('records', 'session')).toBeUndefined(); // all of the step, or none of it
    await newTask();
    await writes.put('records', 'later', sealed(3));
    expect(await db.get('records', 'later')).toEqual(sealed(3));
    db.close();
  });

  it('rejects a write that cannot be stored, and keeps the others of its transaction', async () => {
    const db = await openMessengerDB(`writes-${dbCount++}`);
    const writes = createWrites(db);
    const good = writes.put('records', 'good', sealed(1));
    const bad = writes.put('records', 'bad', { nonce: new Uint8Array(1), box: (() => 0) as never });
    await expect(bad).rejects.toThrow(/clone/i);
    await good;
    expect(await db.get('records', 'good')).toEqual(sealed(1));
    db.close();
  });

  it('keeps a soon write for the next transaction, where a later write to the same key replaces it', async () => {
    const db = await openMessengerDB(`writes-${dbCount++}`);
    const writes = createWrites(db);
    const transactions = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const status = writes.put('records', 'status', sealed(1), 'soon');
    const stale = writes.put('records', 'session', sealed(2), 'soon');
    await newTask();
    expect(transactions).not.toHaveBeenCalled();
    // A step that must be on disk now takes them along, its own value for the key they share.
    await writes.put('records', 'session', sealed(3));
    await Promise.all([status, stale]);
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(await db.get('records', 'status')).toEqual(sealed(1));
    expect(await db.get('records', 'session')).toEqual(sealed(3));
    db.close();
  });

  it('writes a soon write on its own within WRITE_SOON_MS, or at once when flushed', async () => {
    const db = await openMessengerDB(`writes-${dbCount++}`);
    const writes = createWrites(db);
    const alone = writes.put('messages', 'm', { conversation: 'c', seq: 0, sealed: sealed(1) }, 'soon');
    await new Promise((resolve) => setTimeout(resolve, WRITE_SOON_MS * 2));
    expect((await db.get('messages', 'm'))?.seq).toBe(0);
    await alone;
    const deleted = writes.delete('messages', 'm', 'soon');
    await writes.flush();
    expect(await db.get('messages', 'm')).toBeUndefined();
    await deleted;
    db.close();
  });

  it('keeps soon writes flushed in the task after another transaction began', async () => {
    const db = await openMessengerDB(`writes-${dbCount++}`);
    const writes = createWrites(db);
    for (let attempt = 0; attempt < 20; attempt++) {
      const committing = writes.put('records', `now ${attempt}`, sealed(1));
      // A later task: the transaction no longer takes requests, and may not have finished.
      await new Promise((resolve) => setImmediate(resolve));
      const soon = writes.put('records', `soon ${attempt}`, sealed(2), 'soon');
      await writes.flush();
      await Promise.all([committing, soon]);
      expect(await db.get('records', `soon ${attempt}`)).toEqual(sealed(2));
    }
    db.close();
  });
});
