import type { UserId } from '../../../shared/ids';

export type BindOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: 'name-taken' };

/**
 * Usernames bound to identity keys (through the user id, which derives from the signing key). A name belongs
 * to one key until that key takes another name. Asynchronous so that a shared store can stand behind it.
 */
export interface AccountStore {
  bindName(userId: UserId, name: string): Promise<BindOutcome>;
  /** The user a name is bound to (compared as nameKey), if any. */
  lookup(name: string): Promise<UserId | undefined>;
  /** Whether this user has ever started a session here (and so holds a name). */
  known(userId: UserId): Promise<boolean>;
}
