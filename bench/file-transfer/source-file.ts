/**
 * The file the product sends: deterministic bytes, 1 MiB blocks of a fixed pseudo-random pattern, each with its
 * block index in its first 4 bytes (so no two blocks are equal). Written to disk a block at a time, so a 1 GiB
 * file never needs 1 GiB of memory here; the browser then reads it as the File a user picked.
 */
import { open } from 'node:fs/promises';

export const BLOCK_BYTES = 1024 * 1024;

/** The pattern every block starts from (xorshift32 from a fixed seed). */
export function blockPattern(): Uint8Array {
  const block = new Uint8Array(BLOCK_BYTES);
  let x = 0x9e3779b9;
  for (let i = 0; i < block.length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block[i] = x & 0xff;
  }
  return block;
}

/** Writes `size` bytes of blocks to `path` (replacing it). */
export async function writeSourceFile(path: string, size: number): Promise<void> {
  const block = blockPattern();
  const view = new DataView(block.buffer);
  const file = await open(path, 'w');
  try {
    for (let index = 0, at = 0; at < size; index += 1, at += BLOCK_BYTES) {
      view.setUint32(0, index);
      await file.write(block, 0, Math.min(BLOCK_BYTES, size - at), at);
    }
  } finally {
    await file.close();
  }
}
