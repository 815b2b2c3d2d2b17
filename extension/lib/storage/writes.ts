import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { MessengerDB } from './schema';

/** The stores the engine writes as it runs: sealed records and the history. */
type WrittenStore = 'records' | 'messages';
type WriteTransaction = IDBPTransaction<MessengerDB, WrittenStore[], 'readwrite'>;

/**
 * Writes that share a transaction while they can: every write issued while the last one's transaction is still
 * active (the same task, its microtasks included) joins it. The writes of one message step (its history record,
 * the ratchet state, the outbox entry) then commit together, once, instead of one transaction each: fewer round
 * trips to the browser's storage, and all of a step or none of it after a crash.
 *
 * Each write resolves once its transaction has committed, and rejects if it aborted. Transactions keep the order
 * of their creation, and a read started after a write sees it (IndexedDB orders transactions whose scopes
 * overlap), so readers need no view of what is pending.
 */
export interface Writes {
  put<S extends WrittenStore>(
    store: S,
    key: MessengerDB[S]['key'],
    value: MessengerDB[S]['value'],
  ): Promise<void>;
  delete(store: WrittenStore, key: string): Promise<void>;
}

/** What a transaction that takes no more requests throws. */
const CLOSED = new Set(['TransactionInactiveError', 'InvalidStateError']);

export function createWrites(db: IDBPDatabase<MessengerDB>): Writes {
  let current: { readonly tx: WriteTransaction; readonly done: Promise<void> } | undefined;

  /** Runs `write` in the open transaction if it still takes requests, else in a new one. */
  function inTransaction(write: (tx: WriteTransaction) => Promise<unknown>): Promise<void> {
    try {
      return join(write);
    } catch (error) {
      // A value IndexedDB cannot store, say: this write fails, not its transaction.
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  function join(write: (tx: WriteTransaction) => Promise<unknown>): Promise<void> {
    if (current) {
      try {
        return issue(current.tx, current.done, write);
      } catch (error) {
        // Committing (inactive) or just finished: start the next one. Anything else is this write's own failure.
        if (!(error instanceof DOMException && CLOSED.has(error.name))) throw error;
      }
    }
    const tx = db.transaction<WrittenStore[], 'readwrite'>(['records', 'messages'], 'readwrite');
    const opened = { tx, done: tx.done };
    current = opened;
    const finished = (): void => {
      if (current === opened) current = undefined;
    };
    opened.done.then(finished, finished);
    return issue(tx, opened.done, write);
  }

  function issue(
    tx: WriteTransaction,
    done: Promise<void>,
    write: (tx: WriteTransaction) => Promise<unknown>,
  ): Promise<void> {
    // A request that fails aborts the transaction, and `done` reports it to every writer in it.
    write(tx).catch(() => undefined);
    return done;
  }

  return {
    put(store, key, value) {
      return inTransaction((tx) => tx.objectStore(store).put(value, key));
    },
    delete(store, key) {
      return inTransaction((tx) => tx.objectStore(store).delete(key));
    },
  };
}
