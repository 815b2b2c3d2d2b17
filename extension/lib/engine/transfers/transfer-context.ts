/**
 * What every transfer run shares: the files this engine run offered, the runs under way, the stream ids in use,
 * and the steps they all take (a new state, telling the other end, opening an incoming file's sink, saving a
 * file received).
 */
import { decodeBytes } from '../../../../shared/crypto/identity';
import { ErrorCode } from '../../../../shared/errors';
import type { UserId } from '../../../../shared/ids';
import { FILE_STREAM_FIRST, FILE_STREAM_LAST } from '../../../../shared/limits';
import { CONTENT_VERSION, type FileContent } from '../../../../shared/protocol/content';
import { EngineError } from '../../errors';
import type { FileSink } from '../../files/received-files';
import type { TransferRecord, TransferState } from '../../model';
import type { Profile } from '../profile';
import { FINAL_STATES, transferKey, type TransferTable } from './transfer-table';
import type { TransfersDeps } from './transfers';

export const NO_LONGER_AVAILABLE =
  'The file is no longer available on the sending side: it has to be sent again';

/** A run moving one transfer's chunks (or parts); stopping it leaves the transfer's state to whoever stopped it. */
export interface Run {
  stop(): void;
}

export interface TransferContext {
  readonly deps: TransfersDeps;
  /** Files offered by this engine run, by message id: what pulls read. */
  readonly sources: Map<string, File>;
  /** Runs moving chunks now, by transfer key. */
  readonly runs: Map<string, Run>;
  setState(
    table: TransferTable,
    record: TransferRecord,
    state: TransferState,
    extra?: Partial<Pick<TransferRecord, 'error' | 'savedAs' | 'chunks' | 'thumbnail'>>,
  ): Promise<TransferRecord>;
  stopRun(record: TransferRecord): void;
  /** Tells the other end of `record` about it; a failure is logged, not thrown (the state here is what counts). */
  tell(opened: Profile, record: TransferRecord, action: FileContent['action']): Promise<void>;
  /** Where an incoming file is written and checked (resumed from what is stored already). */
  openSink(record: TransferRecord): Promise<FileSink>;
  /** Removes what is stored of an incoming file. */
  removeStored(record: TransferRecord): Promise<void>;
  /** The File an outgoing transfer reads; if this engine run no longer has it, the transfer fails and says so. */
  sourceOf(opened: Profile, table: TransferTable, record: TransferRecord): Promise<File | undefined>;
  /** A received file, checked: saved through the downloads, its stored copy removed, the sender told. */
  finishReceived(opened: Profile, table: TransferTable, record: TransferRecord, file: File): Promise<void>;
  /** A stream id for a new file channel to `peer`. */
  takeStream(opened: Profile, peer: UserId): number;
  releaseStream(peer: UserId, stream: number): void;
  /** Every run stops and every stream id is free. */
  stopAll(): void;
}

export function createTransferContext(deps: TransfersDeps): TransferContext {
  const sources = new Map<string, File>();
  const runs = new Map<string, Run>();
  const streams = new Map<UserId, Set<number>>();
  let streamTurn = 0;

  const storageId = (record: TransferRecord): string => `${record.messageId}-${record.peer}`;

  const context: TransferContext = {
    deps,
    sources,
    runs,
    async setState(table, record, state, extra = {}) {
      const current = table.get(record.messageId, record.peer) ?? record;
      if (FINAL_STATES.has(current.state)) return current;
      // A new state drops the error of the one before, unless it brings its own.
      const next: TransferRecord = { ...current, error: undefined, state, ...extra };
      if (next.error === undefined) delete (next as { error?: string }).error;
      await table.put(next);
      // A file sent is held until every receiver's transfer of it is over (an in-memory Blob would stay otherwise).
      if (
        next.direction === 'out' &&
        table.ofMessage(next.messageId).every((known) => FINAL_STATES.has(known.state))
      )
        sources.delete(next.messageId);
      return next;
    },
    stopRun(record) {
      const key = transferKey(record.messageId, record.peer);
      runs.get(key)?.stop();
      runs.delete(key);
    },
    async tell(opened, record, action) {
      try {
        await opened.tell(record.peer, {
          v: CONTENT_VERSION,
          kind: 'file',
          action,
          id: record.messageId,
          ...(record.conversation !== record.peer ? { room: record.conversation } : {}),
        });
      } catch (error) {
        console.warn(`engine: could not tell ${record.peer} that a file was ${action}: ${String(error)}`);
      }
    },
    openSink: (record) =>
      deps.files.received.open({
        id: storageId(record),
        size: record.offer.size,
        sha256: decodeBytes(record.offer.sha256),
        key: decodeBytes(record.offer.key),
      }),
    removeStored: (record) => deps.files.received.remove(storageId(record)),
    async sourceOf(opened, table, record) {
      const file = sources.get(record.messageId);
      if (file) return file;
      await context.setState(table, record, 'failed', { error: NO_LONGER_AVAILABLE });
      await context.tell(opened, record, 'cancel');
      return undefined;
    },
    async finishReceived(opened, table, record, file) {
      const savedAs = await deps.files.save(file, deps.files.safeName(record.offer.name, record.offer.type));
      const thumbnail = await deps.files.thumbnail(file, record.offer.type).catch(() => undefined);
      await context.removeStored(record);
      await context.setState(table, record, 'done', { savedAs, ...(thumbnail ? { thumbnail } : {}) });
      await context.tell(opened, record, 'received');
    },
    // The smaller user id takes even stream ids, the other odd ones, so two pulls never meet.
    takeStream(opened, peer) {
      const used = streams.get(peer) ?? new Set<number>();
      streams.set(peer, used);
      const parity = opened.selfId < peer ? 0 : 1;
      const slots = Math.floor((FILE_STREAM_LAST - FILE_STREAM_FIRST + 1) / 2);
      for (let tries = 0; tries < slots; tries += 1) {
        streamTurn = (streamTurn + 1) % slots;
        const stream = FILE_STREAM_FIRST + streamTurn * 2 + parity;
        if (!used.has(stream)) {
          used.add(stream);
          return stream;
        }
      }
      throw new EngineError(ErrorCode.RateLimited, 'Too many files are moving at once to this contact');
    },
    releaseStream: (peer, stream) => void streams.get(peer)?.delete(stream),
    stopAll() {
      for (const run of runs.values()) run.stop();
      runs.clear();
      streams.clear();
    },
  };
  return context;
}
