/**
 * The file transfers this profile knows, as records (kept in the vault on every change of state) and as views
 * (pushed to pages on every change of state, and at most every PROGRESS_PUSH_MS while chunks move).
 */
import type { UserId } from '../../../../shared/ids';
import type { TransferView } from '../../messaging/protocol';
import type { TransferRecord, TransferState } from '../../model';
import type { TransferStore } from '../../storage/transfer-store';

/** How often a moving transfer's progress is pushed to pages, in ms. */
export const PROGRESS_PUSH_MS = 250;
/** The window a transfer's speed is measured over, in ms. */
const SPEED_WINDOW_MS = 3_000;

/** States after which nothing more moves. */
export const FINAL_STATES: ReadonlySet<TransferState> = new Set(['done', 'declined', 'cancelled', 'failed']);

export const transferKey = (messageId: string, peer: UserId): string => `${messageId}:${peer}`;

export interface TransferTableDeps {
  readonly store: TransferStore;
  readonly now: () => number;
  readonly emit: (view: TransferView) => void;
}

export interface TransferTable {
  load(): Promise<TransferRecord[]>;
  get(messageId: string, peer: UserId): TransferRecord | undefined;
  /** Every transfer of the message: one per receiver of a file sent to a room. */
  ofMessage(messageId: string): TransferRecord[];
  /** Every transfer known, in no particular order. */
  all(): TransferRecord[];
  /** Every transfer as pages see it, newest first. */
  views(): TransferView[];
  /** The transfer as pages see it now. */
  view(record: TransferRecord): TransferView;
  /** Stores a new or changed record and tells the pages; resolves once it is stored. */
  put(record: TransferRecord): Promise<void>;
  /** Chunks moved (not stored: only states are): pushed to pages at most every PROGRESS_PUSH_MS. */
  progress(messageId: string, peer: UserId, bytes: number): void;
  /** Drops the timers (the profile locked). */
  stop(): void;
}

interface Live {
  bytes: number;
  samples: { at: number; bytes: number }[];
  timer?: ReturnType<typeof setTimeout>;
}

export function createTransferTable({ store, now, emit }: TransferTableDeps): TransferTable {
  const records = new Map<string, TransferRecord>();
  const live = new Map<string, Live>();

  function speedOf(entry: Live | undefined): number | undefined {
    const first = entry?.samples[0];
    const last = entry?.samples.at(-1);
    if (!first || !last || last.at === first.at) return undefined;
    return Math.round(((last.bytes - first.bytes) * 1000) / (last.at - first.at));
  }

  function viewOf(record: TransferRecord): TransferView {
    const key = transferKey(record.messageId, record.peer);
    const entry = live.get(key);
    const moving = record.state === 'active';
    const bytes = record.state === 'done' ? record.offer.size : (entry?.bytes ?? 0);
    const speed = moving ? speedOf(entry) : undefined;
    return {
      messageId: record.messageId,
      conversation: record.conversation,
      peer: record.peer,
      direction: record.direction,
      file: { name: record.offer.name, size: record.offer.size, type: record.offer.type },
      state: record.state,
      bytes: Math.min(bytes, record.offer.size),
      ...(speed !== undefined ? { bytesPerSecond: speed } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.savedAs !== undefined ? { savedAs: record.savedAs } : {}),
      ...(record.thumbnail !== undefined ? { thumbnail: record.thumbnail } : {}),
    };
  }

  const push = (record: TransferRecord): void => emit(viewOf(record));

  return {
    async load() {
      records.clear();
      for (const record of await store.all()) records.set(transferKey(record.messageId, record.peer), record);
      return [...records.values()];
    },
    get: (messageId, peer) => records.get(transferKey(messageId, peer)),
    ofMessage: (messageId) => [...records.values()].filter((record) => record.messageId === messageId),
    all: () => [...records.values()],
    views: () => [...records.values()].sort((a, b) => b.offeredAt - a.offeredAt).map(viewOf),
    view: viewOf,
    async put(record) {
      const key = transferKey(record.messageId, record.peer);
      records.set(key, record);
      if (FINAL_STATES.has(record.state)) {
        const entry = live.get(key);
        if (entry?.timer) clearTimeout(entry.timer);
        if (entry) entry.samples = [];
      }
      push(record);
      await store.put(record);
    },
    progress(messageId, peer, bytes) {
      const key = transferKey(messageId, peer);
      const entry = live.get(key) ?? { bytes: 0, samples: [] };
      live.set(key, entry);
      const at = now();
      entry.bytes = bytes;
      entry.samples.push({ at, bytes });
      while (entry.samples.length > 2 && (entry.samples[0]?.at ?? at) < at - SPEED_WINDOW_MS)
        entry.samples.shift();
      entry.timer ??= setTimeout(() => {
        entry.timer = undefined;
        const record = records.get(key);
        if (record) push(record);
      }, PROGRESS_PUSH_MS);
    },
    stop() {
      for (const entry of live.values()) if (entry.timer) clearTimeout(entry.timer);
      live.clear();
      records.clear();
    },
  };
}
