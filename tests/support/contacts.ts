/** Contact book records for tests: what the engine's book, its store and a backup hold. */
import { encodeBytes } from '../../shared/crypto/identity';
import type { UserId } from '../../shared/ids';
import type { ContactRecord, ContactState } from '../../extension/lib/model';

/** A fresh random 32-byte value, base64url: a contact secret or a signing key as the schemas want them. */
export const randomKey = (): string => encodeBytes(crypto.getRandomValues(new Uint8Array(32)));

/** A contact as the contact book keeps it, with a fresh key and (unless blocked) a fresh secret. */
export const contactRecord = (
  userId: UserId,
  state: ContactState,
  extra: Partial<ContactRecord> = {},
): ContactRecord => ({
  userId,
  name: `user ${userId.slice(0, 6)}`,
  signingKey: randomKey(),
  state,
  ...(state === 'blocked' ? {} : { secret: randomKey() }),
  nameVerified: true,
  ...extra,
});
