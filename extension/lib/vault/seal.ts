/**
 * Secretbox (XSalsa20-Poly1305) for what the engine stores. Each record names its place (`purpose`, e.g. the
 * store and key) inside the box, so a record copied into another place fails to open instead of being believed.
 */
import nacl from 'tweetnacl';
import { decodeValue, encodeValue } from './codec';

export interface Sealed {
  readonly nonce: Uint8Array;
  readonly box: Uint8Array;
}

/** A record that does not open under this key: another key, a wrong place, or tampering. */
export class SealError extends Error {
  override readonly name = 'SealError';
}

export function seal(key: Uint8Array, purpose: string, value: unknown): Sealed {
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  return { nonce, box: nacl.secretbox(encodeValue({ purpose, value }), nonce, key) };
}

export function open(key: Uint8Array, purpose: string, sealed: Sealed): unknown {
  const plain = nacl.secretbox.open(sealed.box, sealed.nonce, key);
  if (!plain) throw new SealError(`${purpose}: the record does not open with this key`);
  const decoded = decodeValue(plain) as { purpose?: unknown; value?: unknown };
  if (decoded.purpose !== purpose) throw new SealError(`${purpose}: the record belongs elsewhere`);
  return decoded.value;
}
