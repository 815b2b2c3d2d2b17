import nacl from 'tweetnacl';

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Why a key agreement failed; nothing was changed. */
export class KeyAgreementError extends Error {
  override readonly name = 'KeyAgreementError';
}

/** X25519. A low-order public key gives an all-zero secret: fail closed rather than derive from it. */
export function diffieHellman(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const shared = nacl.scalarMult(secretKey, publicKey);
  if (shared.every((byte) => byte === 0)) throw new KeyAgreementError('the remote public key is invalid');
  return shared;
}
