/**
 * The receiving side of a file, over any byte storage: opens each sealed chunk in its place, hashes it, writes it at
 * its offset, and at the end checks the SHA-256 of everything written against the offer. In the browser the storage
 * is an OPFS sync access handle inside a Worker (received-files.worker.ts); in tests it is memory.
 */
import { createSha256Stream } from './sha256-stream';
import { FILE_CHUNK_BYTES, FILE_HASH_LENGTH } from '../../../shared/limits';
import { FileChunkError, chunkCount, chunkRange, importFileKey, openChunk } from './file-chunks';

/** Random-access bytes of one stored file (the shape of a FileSystemSyncAccessHandle). */
export interface ChunkStorage {
  /** Bytes stored. */
  size(): number;
  /** Up to `length` bytes from offset `at`. */
  read(at: number, length: number): Uint8Array;
  /** Writes all of `bytes` at offset `at`. */
  write(bytes: Uint8Array, at: number): void;
  truncate(size: number): void;
  /** Makes what was written durable. */
  flush(): void;
}

/** What the writer is told of the file it receives (IncomingFile without its storage name). */
export interface ChunkWriterFile {
  readonly size: number;
  readonly sha256: Uint8Array;
  /** The raw 32-byte file key. */
  readonly key: Uint8Array;
}

export interface ChunkWriter {
  /** Chunks written and checked so far = the index of the next chunk due. */
  readonly next: number;
  /** Opens, hashes and writes the frame that must be chunk `next`; calls run in call order; after a failure, all fail. */
  write(frame: ArrayBuffer): Promise<void>;
  /** After the last chunk: flushes, and checks the SHA-256 of all written; throws FileChunkError if it differs. */
  finish(): Promise<void>;
}

/** Bytes read at a time when a resumed file is hashed again. */
const REHASH_SLICE_BYTES = 4 * 1024 * 1024;

/**
 * Starts (or resumes) writing `file` into `storage`: the whole chunks already stored are kept and hashed again, any
 * partial chunk after them is cut off, and `next` is their count. Storage larger than the file is started over.
 */
export async function openChunkWriter(storage: ChunkStorage, file: ChunkWriterFile): Promise<ChunkWriter> {
  if (file.sha256.length !== FILE_HASH_LENGTH)
    throw new FileChunkError(`openChunkWriter: a file hash has ${FILE_HASH_LENGTH} bytes`);
  const key = await importFileKey(file.key);
  const count = chunkCount(file.size);
  const expected = new Uint8Array(file.sha256);
  const hash = await createSha256Stream();
  let next = wholeChunksStored(storage.size(), file.size);
  const kept = Math.min(file.size, next * FILE_CHUNK_BYTES);
  storage.truncate(kept);
  for (let at = 0; at < kept; at += REHASH_SLICE_BYTES) {
    const length = Math.min(REHASH_SLICE_BYTES, kept - at);
    const bytes = storage.read(at, length);
    if (bytes.length !== length)
      throw new Error(`openChunkWriter: storage gave ${bytes.length} of ${length} bytes`);
    hash.update(bytes);
  }
  let failure: Error | undefined;
  let finished = false;
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs `step` after every call before it; once one step failed, every later one fails with the same error. */
  const inTurn = <T>(step: () => Promise<T>): Promise<T> => {
    const run = queue.then(() => {
      if (failure !== undefined) throw failure;
      return step().catch((error: unknown) => {
        failure = error instanceof Error ? error : new Error(String(error));
        throw failure;
      });
    });
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    get next() {
      return next;
    },
    write: (frame) =>
      inTurn(async () => {
        if (next >= count) throw new FileChunkError(`a chunk came after the last of ${count}`);
        const plaintext = await openChunk(key, next, count, frame);
        const { start, end } = chunkRange(file.size, next);
        if (plaintext.length !== end - start)
          throw new FileChunkError(
            `chunk ${next} has ${plaintext.length} bytes where ${end - start} were due`,
          );
        storage.write(plaintext, start);
        hash.update(plaintext);
        next += 1;
      }),
    finish: () =>
      inTurn(async () => {
        if (finished) throw new FileChunkError('the file was already finished');
        if (next !== count) throw new FileChunkError(`the file ended after ${next} of ${count} chunks`);
        finished = true;
        storage.flush();
        if (!equalBytes(hash.digest(), expected))
          throw new FileChunkError('the file received does not match the SHA-256 it was offered with');
      }),
  };
}

/** Chunks wholly present in `stored` bytes of a file of `size`: the last chunk is whole when every byte is there. */
function wholeChunksStored(stored: number, size: number): number {
  if (stored > size) return 0; // not this file's bytes: start over
  if (stored === size && size > 0) return chunkCount(size);
  return Math.floor(stored / FILE_CHUNK_BYTES);
}

/** Compares in constant time (for its length). */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
