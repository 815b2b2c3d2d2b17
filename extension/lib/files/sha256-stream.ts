import { sha256 } from '@noble/hashes/sha2.js';
import { createSHA256 } from 'hash-wasm';

/** An incremental SHA-256: bytes in, in order, then the digest once. */
export interface Sha256Stream {
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}

/**
 * SHA-256 in WebAssembly (hash-wasm: about twice @noble/hashes' speed here, which limited a file's start and its
 * receiver's worker), or in JavaScript where WebAssembly may not run.
 */
export async function createSha256Stream(): Promise<Sha256Stream> {
  try {
    const hasher = await createSHA256();
    hasher.init();
    return {
      update: (bytes) => void hasher.update(bytes),
      digest: () => hasher.digest('binary'),
    };
  } catch {
    const hasher = sha256.create();
    return { update: (bytes) => void hasher.update(bytes), digest: () => hasher.digest() };
  }
}
