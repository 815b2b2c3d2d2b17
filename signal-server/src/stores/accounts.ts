import type { UserId } from '../../../shared/ids';

/** Why a name was refused: someone else's key holds it, or holds a name that looks the same (nameSkeleton). */
export type BindOutcome =
  { readonly ok: true } | { readonly ok: false; readonly reason: 'name-taken' | 'look-alike' };

/**
 * Usernames bound to identity keys (through the user id, which derives from the signing key). A name belongs
 * to one key until that key takes another name, and so does every name that looks like it (same UTS #39
 * skeleton). Asynchronous so that a shared store can stand behind it.
 */
export interface AccountStore {
  /** Binds `name` to the user; the first bind records `now` (ms since epoch) as when the key was first seen. */
  bindName(userId: UserId, name: string, now?: number): Promise<BindOutcome>;
  /** The user a name is bound to (compared as nameKey), if any. */
  lookup(name: string): Promise<UserId | undefined>;
  /** Whether this user has ever started a session here (and so holds a name). */
  known(userId: UserId): Promise<boolean>;
  /** When this user first started a session here, ms since epoch (0: before this was recorded); undefined if never. */
  firstSeen(userId: UserId): Promise<number | undefined>;
}
