import { createContext } from 'preact';
import { useContext, useEffect, useMemo } from 'preact/hooks';
import { useStore } from './useStore';
import type { MessageId, UserId, ConversationId } from '../../shared/ids';
import type { EngineClient } from '../lib/messaging/client';
import type { TransferView } from '../lib/messaging/protocol';
import { errorMessage } from '../lib/errors';
import { t } from '../lib/i18n';
import { applyTransfer, EMPTY_TABLE, mergeListed, type TransferTable } from './transfer-table';

export interface TransferSnapshot {
  readonly table: TransferTable;
  /** Why the engine's list did not load (events still arrive); undefined when it did, or is on its way. */
  readonly error: string | undefined;
}

/**
 * The popup's transfers, kept current from the engine: its list once, then its `transfer` events. Held outside
 * Preact's state, so the progress events (a few a second per transfer) re-render only the parts that read them
 * (useStore), not the whole popup.
 */
export class TransferStore {
  #snapshot: TransferSnapshot = { table: EMPTY_TABLE, error: undefined };
  readonly #listeners = new Set<() => void>();
  #stop: (() => void) | undefined;
  readonly #client: EngineClient;

  constructor(client: EngineClient) {
    this.#client = client;
  }

  get snapshot(): TransferSnapshot {
    return this.#snapshot;
  }

  /** Calls `listener` after each change; returns how to stop. An arrow, so it can be handed on unbound. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Follows the engine's events and asks for its list; `stop` undoes it. */
  start(): void {
    this.#stop = this.#client.on('transfer', (view) =>
      this.#set({ table: applyTransfer(this.#snapshot.table, view) }),
    );
    this.load();
  }

  stop(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  /** Asks the engine for every transfer it knows (again, after a failure). Never rejects: a failure is `error`. */
  load(): void {
    this.#set({ error: undefined });
    void (async () => {
      try {
        const listed = await this.#client.request('listTransfers', {});
        if (this.#stop) this.#set({ table: mergeListed(this.#snapshot.table, listed) });
      } catch (caught) {
        if (this.#stop) this.#set({ error: t('transfersNotLoaded', [errorMessage(caught)]) });
      }
    })();
  }

  #set(change: Partial<TransferSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...change };
    for (const listener of this.#listeners) listener();
  }
}

/** The store of `client`'s transfers, from the first render on; none without a client (engine away, locked). */
export function useTransferStore(client: EngineClient | undefined): TransferStore | undefined {
  const store = useMemo(() => client && new TransferStore(client), [client]);
  useEffect(() => {
    store?.start();
    return () => store?.stop();
  }, [store]);
  return store;
}

const NOTHING = (): (() => void) => () => undefined;

/** `store`'s snapshot, re-rendering the caller at each change. */
export function useTransferSnapshot(store: TransferStore | undefined): TransferSnapshot | undefined {
  return useStore(store?.subscribe ?? NOTHING, () => store?.snapshot);
}

/** The transfers of one message's file (by peer), re-rendering the caller only when they change. */
export function useMessageTransfers(
  store: TransferStore | undefined,
  messageId: MessageId,
): ReadonlyMap<UserId, TransferView> | undefined {
  return useStore(store?.subscribe ?? NOTHING, () => store?.snapshot.table.get(messageId));
}

/** What file cards need from the popup: the engine to answer and cancel through, the transfers, people's names. */
export interface FileContext {
  readonly client: EngineClient;
  readonly store: TransferStore;
  /** A user's or a room's name as the popup shows it. */
  readonly nameOf: (id: ConversationId) => string;
}

export const FileContext = createContext<FileContext | undefined>(undefined);

export const useFileContext = (): FileContext | undefined => useContext(FileContext);
