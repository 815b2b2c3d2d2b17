/**
 * The worker's side of one received file: answers the requests received-files.ts sends (open, write, finish,
 * close, discard) over a message port, one at a time in arrival order, with a ChunkWriter over the stored file.
 * Kept apart from the Worker entry so that a test can run it over a MessageChannel with storage in memory.
 */
import * as v from 'valibot';
import { openChunkWriter, type ChunkStorage, type ChunkWriter } from './chunk-writer';
import { FileChunkError } from './file-chunks';

/** A storage name: what the engine chooses, checked again here since it becomes a file name. */
export const FILE_ID_PATTERN = /^[0-9a-z-]{1,128}$/;

/** One stored file, open for writing. */
export interface StoredFile extends ChunkStorage {
  /** Releases the file (no access after this). */
  close(): void;
  /** The file as the storage has it (after close). */
  file(): Promise<File>;
  /** Deletes the file (after close). */
  remove(): Promise<void>;
}
export type OpenStoredFile = (id: string) => Promise<StoredFile>;

const bytes = v.instance(Uint8Array);
export const SinkRequestSchema = v.variant('op', [
  v.strictObject({
    seq: v.number(),
    op: v.literal('open'),
    id: v.pipe(v.string(), v.regex(FILE_ID_PATTERN)),
    size: v.pipe(v.number(), v.integer(), v.minValue(0)),
    sha256: bytes,
    key: bytes,
  }),
  v.strictObject({ seq: v.number(), op: v.literal('write'), frame: v.instance(ArrayBuffer) }),
  v.strictObject({ seq: v.number(), op: v.picklist(['finish', 'close', 'discard']) }),
]);
export type SinkRequest = v.InferOutput<typeof SinkRequestSchema>;

/** An error as it crosses the port (a structured clone keeps neither the class nor a custom name). */
export interface SinkFailure {
  readonly name: string;
  readonly message: string;
}
/** What a request yields: `next` for open, the stored file for finish. */
export interface SinkAnswer {
  readonly next?: number;
  readonly file?: File;
}
export type SinkResponse =
  | ({ readonly seq: number; readonly ok: true } & SinkAnswer)
  | { readonly seq: number; readonly ok: false; readonly error: SinkFailure };

/** The part of a MessagePort, a Worker, or a worker's global scope the two sides use. */
export interface SinkPort {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** Serves one file's requests on `port`; a request that is not one is answered with an error (if it has a seq). */
export function serveFileSink(port: SinkPort, openStored: OpenStoredFile): void {
  let stored: StoredFile | undefined;
  let writer: ChunkWriter | undefined;
  let ended = false; // closed, finished or discarded: nothing more is served
  let discarding = false; // a discard is queued
  let queue: Promise<void> = Promise.resolve();

  const end = async (keep: 'keep' | 'remove'): Promise<void> => {
    ended = true;
    const file = stored;
    stored = undefined;
    if (!file) return;
    file.close();
    if (keep === 'remove') await file.remove();
  };

  const handle = async (request: SinkRequest): Promise<SinkAnswer> => {
    if (ended) throw new Error('the file is already closed');
    if (discarding && request.op !== 'discard') throw new Error('the file is being discarded');
    if (request.op === 'open') {
      if (stored) throw new Error('the file is already open');
      const file = await openStored(request.id);
      try {
        writer = await openChunkWriter(file, request);
      } catch (error) {
        file.close();
        throw error;
      }
      stored = file;
      return { next: writer.next };
    }
    if (request.op === 'discard') {
      await end('remove');
      return {};
    }
    if (!writer || !stored) throw new Error('the file is not open');
    const file = stored;
    switch (request.op) {
      case 'write':
        await writer.write(request.frame);
        return {};
      case 'finish':
        try {
          await writer.finish();
        } catch (error) {
          await end('remove');
          throw error;
        }
        await end('keep');
        return { file: await file.file() };
      case 'close':
        file.flush();
        await end('keep');
        return {};
    }
  };

  port.addEventListener('message', (event) => {
    const parsed = v.safeParse(SinkRequestSchema, event.data);
    if (!parsed.success) {
      const seq: unknown = (event.data as { seq?: unknown } | null)?.seq;
      if (typeof seq === 'number')
        port.postMessage({ seq, ok: false, error: failureOf(new Error('a malformed request')) });
      return;
    }
    const request = parsed.output;
    // A discard need not wait for the chunks queued before it: those not yet started fail instead of being written.
    if (request.op === 'discard') discarding = true;
    queue = queue.then(async () => {
      try {
        port.postMessage({ seq: request.seq, ok: true, ...(await handle(request)) } satisfies SinkResponse);
      } catch (error) {
        port.postMessage({ seq: request.seq, ok: false, error: failureOf(error) } satisfies SinkResponse);
      }
    });
  });
}

function failureOf(error: unknown): SinkFailure {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** Rebuilds an error that crossed the port: FileChunkError keeps its class, others their name. */
export function errorOf(failure: SinkFailure): Error {
  if (failure.name === 'FileChunkError') return new FileChunkError(failure.message);
  const error = new Error(failure.message);
  error.name = failure.name;
  return error;
}
