import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Zeros fed to the keystream per step: 1 MiB keeps memory flat whatever the file's size. */
const STEP_BYTES = 1 << 20;

/**
 * `size` deterministic pseudo-random bytes (AES-128-CTR's keystream under a key made from `seed`), streamed: the
 * whole file is never in memory. The same seed and size give the same bytes.
 */
export function pseudoRandomBytes(seed: string, size: number): Readable {
  const key = createHash('sha256').update(`key:${seed}`).digest().subarray(0, 16);
  const iv = createHash('sha256').update(`iv:${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  const zeros = Buffer.alloc(STEP_BYTES);
  let left = size;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const step = Math.min(left, STEP_BYTES);
      left -= step;
      this.push(cipher.update(zeros.subarray(0, step)));
    },
  });
}

/** Writes `size` pseudo-random bytes (see pseudoRandomBytes) to `path`; resolves to their SHA-256 in hex. */
export async function writePseudoRandomFile(path: string, seed: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const source = pseudoRandomBytes(seed, size);
  source.on('data', (chunk: Buffer) => hash.update(chunk));
  await pipeline(source, createWriteStream(path));
  return hash.digest('hex');
}

/** The SHA-256 of the file at `path`, in hex, read as a stream. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
