import type { IDBPDatabase } from 'idb';
import type { MessengerDB } from '../schema';
import type { UpgradeTransaction } from './index';

/**
 * Version 5: a message's place in the clear index is its rank in its conversation (0, 1, 2…), no longer the time
 * it was stored (`Date.now() * 1000`), which told anyone reading the database when each message came. Each
 * conversation keeps its order.
 */
export function migrate005(_db: IDBPDatabase<MessengerDB>, tx: UpgradeTransaction): void {
  void renumber(tx).catch((error: unknown) => {
    // Aborting keeps version 4 and its data as they were; the next open tries again.
    console.error('migrate005: could not renumber the history; the upgrade is undone', error);
    try {
      tx.abort();
    } catch {
      // Already over: a failed request aborted it.
    }
  });
}

async function renumber(tx: UpgradeTransaction): Promise<void> {
  const messages = tx.objectStore('messages');
  // Keys first, in index order (by conversation, then time); rewriting while walking the index would move entries.
  const order: { key: string; conversation: string }[] = [];
  for (
    let cursor = await messages.index('by-conversation').openKeyCursor();
    cursor;
    cursor = await cursor.continue()
  )
    order.push({ key: cursor.primaryKey, conversation: cursor.key[0] });
  let conversation: string | undefined;
  let rank = 0;
  for (const entry of order) {
    rank = entry.conversation === conversation ? rank + 1 : 0;
    conversation = entry.conversation;
    const stored = await messages.get(entry.key);
    if (stored) await messages.put({ ...stored, seq: rank }, entry.key);
  }
}
