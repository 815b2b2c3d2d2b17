import type { UserId } from '../../../shared/ids';

/** Why a name was refused: someone else's key holds it, or holds a name that looks the same (nameSkeleton). */
export type BindOutcome =
  { readonly ok: true } | { readonly ok: false; readonly reason: 'name-taken' | 'look-alike' };

/**
 * Usernames bound to identity keys (through the user id, which derives from the signing key), and the keys this
 * server has seen. A name belongs to one key until that key takes another name or releases it, or the server
 * releases it after NAME_INACTIVITY_RELEASE_MS without a sign-in; so does every name that looks like it (same
 * UTS #39 skeleton). Asynchronous so that a shared store can stand behind it.
 */
export interface AccountStore {
  /**
   * Binds `name` to the user (a sign-in); records `now` (ms since epoch) as when the key was last seen, and on
   * its first bind as when it was first seen.
   */
  bindName(userId: UserId, name: string, now?: number): Promise<BindOutcome>;
  /** The user a name is bound to (compared as nameKey), if any. */
  lookup(name: string): Promise<UserId | undefined>;
  /** Whether this user has started a session here (with or without a name now), and was not forgotten since. */
  known(userId: UserId): Promise<boolean>;
  /** When this user first started a session here, ms since epoch (0: before this was recorded); undefined if never. */
  firstSeen(userId: UserId): Promise<number | undefined>;
  /**
   * Frees the user's name (and its look-alikes) for anyone; the key stays known, as old as it was. Resolves
   * whether it held one.
   */
  releaseName(userId: UserId): Promise<boolean>;
  /**
   * Releases the names of keys last seen before `before` (ms since epoch), at most `limit` of them, oldest first;
   * resolves whose. Atomic per name: a key that signs in meanwhile keeps its name.
   */
  releaseInactive(before: number, limit: number): Promise<UserId[]>;
  /** Forgets the user: their name, its skeleton, when they were first and last seen. */
  forget(userId: UserId): Promise<void>;
}
