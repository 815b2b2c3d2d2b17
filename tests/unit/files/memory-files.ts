import { FILE_CHUNK_BYTES } from '../../../shared/limits';
import {
  chunkCount,
  chunkRange,
  importFileKey,
  newFileKey,
  sealChunk,
} from '../../../extension/lib/files/file-chunks';
import type { StoredFile } from '../../../extension/lib/files/sink-server';

/** Files in memory behind the StoredFile interface, with the one-open-handle rule OPFS enforces. */
export function createMemoryFiles() {
  const files = new Map<string, Uint8Array>();
  const opened = new Set<string>();
  const open = async (id: string): Promise<StoredFile> => {
    if (opened.has(id)) throw new Error(`memory files: ${id} is already open`);
    opened.add(id);
    let bytes = files.get(id) ?? new Uint8Array(0);
    files.set(id, bytes);
    const live = () => {
      if (!opened.has(id)) throw new Error(`memory files: ${id} is closed`);
    };
    return {
      size: () => (live(), bytes.length),
      read: (at, length) => (live(), bytes.slice(at, at + length)),
      write(data, at) {
        live();
        if (at + data.length > bytes.length) {
          const grown = new Uint8Array(at + data.length);
          grown.set(bytes);
          bytes = grown;
        }
        bytes.set(data, at);
        files.set(id, bytes);
      },
      truncate(size) {
        live();
        bytes = bytes.slice(0, size);
        files.set(id, bytes);
      },
      flush: () => live(),
      close: () => void opened.delete(id),
      file: async () => new File([bytes.slice()], id),
      remove: async () => void files.delete(id),
    };
  };
  return { files, opened, open };
}

/** A file of `size` pseudo-random bytes, its SHA-256, a fresh key, and its sealed frames. */
export async function sealedFile(size: number) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  const sha256 = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const key = newFileKey();
  const cryptoKey = await importFileKey(key);
  const count = chunkCount(size);
  const frames: ArrayBuffer[] = [];
  for (let index = 0; index < count; index += 1) {
    const { start, end } = chunkRange(size, index);
    frames.push(await sealChunk(cryptoKey, index, count, bytes.slice(start, end)));
  }
  /** Frame `index` (a copy: a sink transfers, and so detaches, what it writes). */
  const frame = (index: number): ArrayBuffer => {
    const found = frames[index];
    if (!found) throw new Error(`sealedFile: no frame ${index}`);
    return found.slice(0);
  };
  return { bytes, sha256, key, frames, frame, cryptoKey, count };
}

export const CHUNK = FILE_CHUNK_BYTES;
