import 'fake-indexeddb/auto';
import { randomId } from '../../shared/ids';
import { openMessengerDB } from '../../extension/lib/storage/db';
import { createVaultStorage, type VaultStorage } from '../../extension/lib/storage/vault-storage';
import type { KdfParams } from '../../extension/lib/vault/kdf';

/** scrypt at the lowest cost the schema allows: unit tests check behaviour, `npm run bench` measures cost. */
export const FAST_KDF: KdfParams = { name: 'scrypt', N: 2 ** 10, r: 8, p: 1 };

/** Vault storage over a fresh fake-indexeddb database; `name` reopens the same one. */
export function testVaultStorage(
  name: string = `test-${randomId()}`,
): VaultStorage & { readonly dbName: string } {
  return { ...createVaultStorage(openMessengerDB(name), FAST_KDF), dbName: name };
}

/** A store's answer that must exist in the test's setup. */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`test setup: no ${what}`);
  return value;
}
