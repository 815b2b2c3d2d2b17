import type { UserId } from '../../../shared/ids';
import type { StoredProfile } from '../../../shared/protocol/profile';

/** Stored (`ok`), or refused because the server holds this version or a newer one already (`held` is it). */
export type ProfilePutOutcome = { readonly ok: true } | { readonly ok: false; readonly held: number };

/**
 * Each user's newest sealed profile: a version and ciphertext the server cannot open (the key is shared between
 * contacts only). Versions only go up, so a replayed or delayed older profile never replaces a newer one.
 */
export interface ProfileStore {
  /** Keeps `profile` if its version is higher than the one held (compare-and-set, atomic). */
  put(userId: UserId, profile: StoredProfile): Promise<ProfilePutOutcome>;
  get(userId: UserId): Promise<StoredProfile | undefined>;
  /** Forgets the user's profile (account deletion). */
  forget(userId: UserId): Promise<void>;
}
