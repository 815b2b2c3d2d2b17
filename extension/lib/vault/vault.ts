/**
 * The vault: a random data key, wrapped under a key derived from the user's passphrase. Changing the passphrase
 * rewraps the data key; nothing else is re-encrypted. The data key only lives in the engine's memory.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import nacl from 'tweetnacl';
import { ErrorCode } from '../../../shared/errors';
import { EngineError } from '../errors';
import { DEFAULT_KDF, SALT_LENGTH, deriveKey, type KdfParams } from './kdf';
import { SealError, open, seal, type Sealed } from './seal';

export interface VaultHeader {
  readonly v: 1;
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly wrappedKey: Sealed;
}

const WRAPPED_KEY = 'vault data key';

/** The keys derived from the data key, one per use. */
export interface VaultKeys {
  /** Seals records (secretbox). */
  readonly records: Uint8Array;
  /** Makes opaque index keys (HMAC), so no index holds a contact's id or name in the clear. */
  readonly index: Uint8Array;
}

function keysOf(dataKey: Uint8Array): VaultKeys {
  return {
    records: hmac(sha256, dataKey, new TextEncoder().encode('records')),
    index: hmac(sha256, dataKey, new TextEncoder().encode('index')),
  };
}

export async function createVault(
  passphrase: string,
  kdf: KdfParams = DEFAULT_KDF,
): Promise<{ header: VaultHeader; keys: VaultKeys }> {
  const dataKey = nacl.randomBytes(32);
  const salt = nacl.randomBytes(SALT_LENGTH);
  const wrappingKey = await deriveKey(passphrase, salt, kdf);
  return {
    header: { v: 1, kdf, salt, wrappedKey: seal(wrappingKey, WRAPPED_KEY, dataKey) },
    keys: keysOf(dataKey),
  };
}

/** The vault's keys; a wrong passphrase is a clear `wrong-passphrase` error. */
export async function unlockVault(header: VaultHeader, passphrase: string): Promise<VaultKeys> {
  return keysOf(await openDataKey(header, passphrase));
}

async function openDataKey(header: VaultHeader, passphrase: string): Promise<Uint8Array> {
  const wrappingKey = await deriveKey(passphrase, header.salt, header.kdf);
  let dataKey: unknown;
  try {
    dataKey = open(wrappingKey, WRAPPED_KEY, header.wrappedKey);
  } catch (error) {
    if (error instanceof SealError) throw new EngineError(ErrorCode.WrongPassphrase, 'Wrong passphrase');
    throw error;
  }
  if (!(dataKey instanceof Uint8Array)) throw new Error('openDataKey: the data key is not bytes');
  return dataKey;
}

/**
 * The same data key wrapped under a new passphrase (a fresh salt, the KDF at `kdf`): nothing else changes. A wrong
 * current passphrase is a clear `wrong-passphrase` error.
 */
export async function rewrapVault(
  header: VaultHeader,
  current: string,
  next: string,
  kdf: KdfParams = header.kdf,
): Promise<VaultHeader> {
  const dataKey = await openDataKey(header, current);
  const salt = nacl.randomBytes(SALT_LENGTH);
  const wrappingKey = await deriveKey(next, salt, kdf);
  return { v: 1, kdf, salt, wrappedKey: seal(wrappingKey, WRAPPED_KEY, dataKey) };
}
