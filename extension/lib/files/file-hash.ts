import { createSha256Stream } from './sha256-stream';

/** Bytes read at a time: large enough that reading costs little per byte, small beside any file. */
export const HASH_SLICE_BYTES = 4 * 1024 * 1024;

/**
 * SHA-256 of a Blob or File, read HASH_SLICE_BYTES at a time (never whole in memory) into one incremental hash
 * (WebCrypto's digest takes only a whole buffer; see sha256-stream.ts). `onProgress` hears the bytes hashed so far after each slice.
 */
export async function hashFile(file: Blob, onProgress?: (bytesDone: number) => void): Promise<Uint8Array> {
  const hash = await createSha256Stream();
  for (let at = 0; at < file.size; at += HASH_SLICE_BYTES) {
    const end = Math.min(file.size, at + HASH_SLICE_BYTES);
    hash.update(new Uint8Array(await file.slice(at, end).arrayBuffer()));
    onProgress?.(end);
  }
  return hash.digest();
}
