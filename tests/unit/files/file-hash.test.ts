import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { HASH_SLICE_BYTES, hashFile } from '../../../extension/lib/files/file-hash';

describe('hashFile', () => {
  it('hashes a file of several slices as the whole, telling its progress', async () => {
    const bytes = new Uint8Array(2 * HASH_SLICE_BYTES + 123);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i & 0xff;
    const progress: number[] = [];
    const digest = await hashFile(new Blob([bytes]), (done) => progress.push(done));
    expect(digest).toEqual(sha256(bytes));
    expect(progress).toEqual([HASH_SLICE_BYTES, 2 * HASH_SLICE_BYTES, bytes.length]);
  });

  it('hashes the empty file', async () => {
    expect(await hashFile(new Blob([]))).toEqual(sha256(new Uint8Array(0)));
  });
});
