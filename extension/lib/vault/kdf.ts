/** The passphrase KDF: scrypt from @noble/hashes (audited), at OWASP's recommended cost. */
import { scryptAsync } from '@noble/hashes/scrypt.js';
import * as v from 'valibot';

/** OWASP Password Storage Cheat Sheet: scrypt with N = 2^17 (128 MiB), r = 8, p = 1. */
export const DEFAULT_KDF: KdfParams = { name: 'scrypt', N: 2 ** 17, r: 8, p: 1 };

export const KdfParamsSchema = v.strictObject({
  name: v.literal('scrypt'),
  // Bounds keep a hostile backup file from asking for gigabytes, and a weak one from asking for nothing.
  N: v.pipe(v.number(), v.integer(), v.minValue(2 ** 10), v.maxValue(2 ** 20)),
  r: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16)),
  p: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4)),
});
export type KdfParams = v.InferOutput<typeof KdfParamsSchema>;

export const SALT_LENGTH = 16;

/** A 32-byte key from a passphrase (NFKC-normalised, so the same words typed on another keyboard still match). */
export function deriveKey(passphrase: string, salt: Uint8Array, params: KdfParams): Promise<Uint8Array> {
  return scryptAsync(new TextEncoder().encode(passphrase.normalize('NFKC')), salt, {
    N: params.N,
    r: params.r,
    p: params.p,
    dkLen: 32,
    maxmem: 2 ** 31,
  });
}
