import { unwrap, type IDBPDatabase } from 'idb';
import type { MessengerDB } from './schema';

/** The stores the engine writes as it runs: sealed records and the history. */
type WrittenStore = 'records' | 'messages';

/**
 * How soon a write must be on disk:
 * - `now`: before whatever waits on it goes on (a ciphertext leaving, a message reported stored). It joins the
 *   transaction still open in this task, or starts one at once.
 * - `soon`: a change a crash may lose because it is made good again (a message's status, a received message not
 *   yet receipted, a ratchet state no ciphertext depends on yet). It rides with the next transaction, or goes in one
 *   of its own within WRITE_SOON_MS. A later write to the same key replaces it.
 */
export type Durability = 'now' | 'soon';

/** The longest a `soon` write waits for a transaction to ride with, in ms. */
export const WRITE_SOON_MS = 25;

/**
 * Writes that share a transaction while they can: every write issued while the last one's transaction is still
 * active (the same task, its microtasks included) joins it, and `soon` writes wait for the next one. The writes of
 * one message step (its history record, the ratchet state, the outbox entry) then commit together, once, with the
 * status changes and received messages of the moments before: fewer round trips to the browser's storage, and all
 * of a step or none of it after a crash.
 *
 * Each write resolves once its transaction has committed, and rejects if it aborted. Transactions keep the order
 * of their creation, and a read started after a write sees it (IndexedDB orders transactions whose scopes
 * overlap); `flush` first, to see `soon` writes too.
 */
export interface Writes {
  put<S extends WrittenStore>(
    store: S,
    key: MessengerDB[S]['key'],
    value: MessengerDB[S]['value'],
    durability?: Durability,
  ): Promise<void>;
  delete(store: WrittenStore, key: string, durability?: Durability): Promise<void>;
  /** Writes whatever waits now; resolves once it is on disk (at once when nothing waits). */
  flush(): Promise<void>;
}

/** What a transaction that takes no more requests throws. */
const CLOSED = new Set(['TransactionInactiveError', 'InvalidStateError']);

type Write = (tx: IDBTransaction) => void;

/** What a write threw, as the Error its promise rejects with. */
const asError = (thrown: unknown): Error => (thrown instanceof Error ? thrown : new Error(String(thrown)));

/** A `soon` write waiting for a transaction, and who waits on it. */
interface Waiting {
  readonly write: Write;
  readonly settle: { resolve(): void; reject(error: unknown): void }[];
}

export function createWrites(db: IDBPDatabase<MessengerDB>): Writes {
  // The browser's own objects, not idb's wrappers: a request nobody listens to costs no event in JS, and only the
  // transaction's end is awaited.
  const raw = unwrap(db);
  let current: { readonly tx: IDBTransaction; readonly done: Promise<void> } | undefined;
  const waiting = new Map<string, Waiting>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Runs `write` in the open transaction if it still takes requests, else in a new one. */
  function inTransaction(write: Write): Promise<void> {
    try {
      return join(write);
    } catch (error) {
      // A value IndexedDB cannot store, say: this write fails, not its transaction.
      return Promise.reject(asError(error));
    }
  }

  function join(write: Write): Promise<void> {
    if (current) {
      try {
        write(current.tx);
        ride(current.tx, current.done); // it took a request just now: it is active
        return current.done;
      } catch (error) {
        // Committing (inactive) or just finished: start the next one. Anything else is this write's own failure.
        if (!(error instanceof DOMException && CLOSED.has(error.name))) throw error;
      }
    }
    const opened = begin();
    write(opened.tx);
    ride(opened.tx, opened.done);
    return opened.done;
  }

  /** A new transaction, the one later writes join while it is active. */
  function begin(): { readonly tx: IDBTransaction; readonly done: Promise<void> } {
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
    return opened;
  }

  /** The `soon` writes that waited go in `tx` (a write given now to the same key replaced its waiting one). */
  function ride(tx: IDBTransaction, done: Promise<void>): void {
    for (const soon of takeWaiting()) {
      try {
        soon.write(tx);
        settleWith(soon, done);
      } catch (error) {
        settleWith(soon, Promise.reject(asError(error)));
      }
    }
  }

  function takeWaiting(): Waiting[] {
    clearTimeout(timer);
    timer = undefined;
    const taken = [...waiting.values()];
    waiting.clear();
    return taken;
  }

  function settleWith(soon: Waiting, done: Promise<void>): void {
    done.then(
      () => soon.settle.forEach((waiter) => waiter.resolve()),
      (error: unknown) => soon.settle.forEach((waiter) => waiter.reject(error)),
    );
  }

  function write(id: string, run: Write, durability: Durability): Promise<void> {
    const replaced = waiting.get(id);
    waiting.delete(id);
    if (durability === 'now') {
      const done = inTransaction(run);
      if (replaced) settleWith(replaced, done); // what it was to write is in this write
      return done;
    }
    return new Promise<void>((resolve, reject) => {
      waiting.set(id, { write: run, settle: [...(replaced?.settle ?? []), { resolve, reject }] });
      timer ??= setTimeout(() => void writes.flush().catch(() => undefined), WRITE_SOON_MS);
    });
  }

  const writes: Writes = {
    put(store, key, value, durability = 'now') {
      return write(`${store}/${key}`, (tx) => void tx.objectStore(store).put(value, key), durability);
    },
    delete(store, key, durability = 'now') {
      return write(`${store}/${key}`, (tx) => void tx.objectStore(store).delete(key), durability);
    },
    flush() {
      // Nothing waits: a read started now is ordered after every write already given (see Writes).
      if (waiting.size === 0) return Promise.resolve();
      // A transaction of its own, surely active: the last one may be committing already.
      const opened = begin();
      ride(opened.tx, opened.done);
      return opened.done;
    },
  };
  return writes;
}
