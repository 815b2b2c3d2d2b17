import { unwrap, type IDBPDatabase } from 'idb';
import type { MessengerDB } from './schema';

/** The stores the engine writes as it runs: sealed records and the history. */
type WrittenStore = 'records' | 'messages';

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
  // The browser's own objects, not idb's wrappers: a request nobody listens to costs no event in JS, and only the
  // transaction's end is awaited.
  const raw = unwrap(db);
  let current: { readonly tx: IDBTransaction; readonly done: Promise<void> } | undefined;

  /** Runs `write` in the open transaction if it still takes requests, else in a new one. */
  function inTransaction(write: (tx: IDBTransaction) => void): Promise<void> {
    try {
      return join(write);
    } catch (error) {
      // A value IndexedDB cannot store, say: this write fails, not its transaction.
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  function join(write: (tx: IDBTransaction) => void): Promise<void> {
    if (current) {
      try {
        write(current.tx);
        return current.done;
      } catch (error) {
        // Committing (inactive) or just finished: start the next one. Anything else is this write's own failure.
        if (!(error instanceof DOMException && CLOSED.has(error.name))) throw error;
      }
    }
    const tx = raw.transaction(['records', 'messages'], 'readwrite');
    // A request that fails aborts the transaction, and `done` reports it to every writer in it.
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error ?? new DOMException('The write was aborted', 'AbortError'));
    });
    const opened = { tx, done };
    current = opened;
    const finished = (): void => {
      if (current === opened) current = undefined;
    };
    done.then(finished, finished);
    write(tx);
    return done;
  }

  return {
    put(store, key, value) {
      return inTransaction((tx) => void tx.objectStore(store).put(value, key));
    },
    delete(store, key) {
      return inTransaction((tx) => void tx.objectStore(store).delete(key));
    },
  };
}
