/**
 * Where received files are written while they arrive: each open file has a Worker of its own that opens, hashes and
 * writes its chunks (sink-server.ts over an OPFS sync access handle), so the engine's thread only forwards frames,
 * transferring their buffers. A file kept by close() is resumed by the next open() from its last whole chunk.
 */
import { FILE_ID_PATTERN, errorOf, type SinkPort, type SinkRequest, type SinkResponse } from './sink-server';
import { removeStoredFile } from './opfs-files';

export interface IncomingFile {
  /** A storage name of the engine's choosing: [0-9a-z-]+ only (at most 128 characters). */
  readonly id: string;
  readonly size: number;
  readonly sha256: Uint8Array;
  /** The raw 32-byte file key (importFileKey). */
  readonly key: Uint8Array;
}

export interface FileSink {
  /** Chunks written and checked so far = the index of the next chunk due. */
  readonly next: number;
  /**
   * Opens (openChunk), hashes and writes the frame that must be chunk `next`; the frame's buffer is transferred
   * (detached here). May be called again before the previous call settles: frames are processed strictly in call
   * order. After a failure every later call rejects too. Rejects with FileChunkError when a frame does not open or
   * is out of place (other errors: storage, e.g. a QuotaExceededError).
   */
  write(frame: ArrayBuffer): Promise<void>;
  /**
   * After the last chunk: checks the SHA-256 of all that was written against the offer; resolves to the file (a
   * File read from storage, not held in memory), rejects with FileChunkError('... does not match ...') otherwise.
   * On any rejection the file is discarded. The sink is closed either way.
   */
  finish(): Promise<File>;
  /** Keeps what is written (a later open() resumes it) and releases the handle. */
  close(): Promise<void>;
  /** Stops (chunks that reach the worker after it are not written) and deletes what was written. */
  discard(): Promise<void>;
}

export interface ReceivedFiles {
  /**
   * Opens the file `file.id`, resuming: `next` is the count of whole chunks already on disk (their bytes are hashed
   * again to rebuild the SHA-256 state). Rejects if this id is already open here (close or discard it first).
   */
  open(file: IncomingFile): Promise<FileSink>;
  /** Deletes a stored file (after it was saved, or when its transfer is cancelled), discarding it if open. */
  remove(id: string): Promise<void>;
}

/** A started sink: a port to serveFileSink, which ends when terminated. */
export interface SinkWorker extends SinkPort {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  terminate(): void;
}

export interface ReceivedFilesDeps {
  /** Starts a worker that serves one file's requests (serveFileSink). */
  startSink(): SinkWorker;
  /** Deletes a stored file that no sink has open; nothing if there is none. */
  removeStored(id: string): Promise<void>;
}

const browserDeps: ReceivedFilesDeps = {
  startSink: () =>
    new Worker(new URL('./received-files.worker.ts', import.meta.url), {
      type: 'module',
      name: 'received-file',
    }),
  removeStored: removeStoredFile,
};

/** Received files in this browser's origin private file system (`deps` for tests). */
export function createReceivedFiles(deps: ReceivedFilesDeps = browserDeps): ReceivedFiles {
  // Set before anything is awaited, so that a second open of an id is refused even while the first is starting.
  const open = new Map<string, Promise<FileSink>>();
  return {
    async open(file) {
      checkId(file.id);
      if (open.has(file.id)) throw new Error(`ReceivedFiles.open: file ${file.id} is already open`);
      const opening = openSink(deps.startSink(), file, () => open.delete(file.id));
      open.set(file.id, opening);
      return opening;
    },
    async remove(id) {
      checkId(id);
      const sink = await open.get(id)?.catch(() => undefined);
      if (sink) await sink.discard();
      else await deps.removeStored(id);
    },
  };
}

function checkId(id: string): void {
  if (!FILE_ID_PATTERN.test(id))
    throw new Error(
      `ReceivedFiles: a file id is 1 to 128 characters of [0-9a-z-], not ${JSON.stringify(id)}`,
    );
}

/** Distributes a request without `seq`: each variant keeps its own fields. */
type Request = SinkRequest extends infer R ? (R extends SinkRequest ? Omit<R, 'seq'> : never) : never;

/** Opens `file` in a started worker; `onEnd` runs once the sink is closed, finished or discarded. */
async function openSink(worker: SinkWorker, file: IncomingFile, onEnd: () => void): Promise<FileSink> {
  const pending = new Map<
    number,
    { resolve(response: SinkResponse & { ok: true }): void; reject(e: Error): void }
  >();
  let seq = 0;
  let ended: Error | undefined;
  const stop = (reason: Error): void => {
    if (ended) return;
    ended = reason;
    worker.terminate();
    onEnd();
  };
  worker.addEventListener('message', (event) => {
    const response = event.data as SinkResponse; // from our own worker (sink-server.ts)
    const waiting = pending.get(response.seq);
    pending.delete(response.seq);
    if (response.ok) waiting?.resolve(response);
    else waiting?.reject(errorOf(response.error));
  });
  worker.addEventListener('error', (event) => {
    const detail = (event as Partial<ErrorEvent>).message; // an ErrorEvent when the script threw
    const failure = new Error(`ReceivedFiles: the file worker failed${detail ? `: ${detail}` : ''}`);
    for (const waiting of pending.values()) waiting.reject(failure);
    pending.clear();
    stop(failure);
  });
  const request = (message: Request, transfer: Transferable[] = []) => {
    if (ended) return Promise.reject(ended);
    seq += 1;
    const sent = seq;
    return new Promise<SinkResponse & { ok: true }>((resolve, reject) => {
      pending.set(sent, { resolve, reject });
      worker.postMessage({ ...message, seq: sent }, transfer);
    });
  };
  /** The last request: the worker ends after it, whatever it answers. */
  const last = async (message: Request) => {
    try {
      return await request(message);
    } finally {
      stop(new Error('ReceivedFiles: the file was closed'));
    }
  };

  let next: number;
  try {
    // Copies: the caller keeps its key and hash.
    const opened = await request({
      op: 'open',
      id: file.id,
      size: file.size,
      sha256: new Uint8Array(file.sha256),
      key: new Uint8Array(file.key),
    });
    next = opened.next ?? 0;
  } catch (error) {
    stop(new Error('ReceivedFiles: the file did not open'));
    throw error;
  }
  return {
    get next() {
      return next;
    },
    async write(frame) {
      await request({ op: 'write', frame }, [frame]);
      next += 1;
    },
    async finish() {
      const { file: stored } = await last({ op: 'finish' });
      if (!stored) throw new Error('ReceivedFiles: the worker finished without the file');
      return stored;
    },
    async close() {
      await last({ op: 'close' });
    },
    async discard() {
      await last({ op: 'discard' });
    },
  };
}
