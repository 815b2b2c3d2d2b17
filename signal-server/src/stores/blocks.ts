import type { UserId } from '../../../shared/ids';

/** How many users the blocker blocks after the change, or `full`: they block `max` already (nothing changed). */
export type BlockOutcome = { readonly ok: true; readonly count: number } | { readonly ok: false };

/**
 * Who blocks whom: the one part of the contact graph the server keeps at rest, because it must refuse a blocked
 * sender's mail (and signaling) while the blocker is offline. At most `max` blocked users per blocker.
 */
export interface BlockStore {
  /** Blocks (`blocked: true`) or unblocks `user` for `blocker`; doing either twice changes nothing. */
  set(blocker: UserId, user: UserId, blocked: boolean, max: number): Promise<BlockOutcome>;
  /** Whether `blocker` blocks `user`. */
  blocks(blocker: UserId, user: UserId): Promise<boolean>;
  /** Forgets every block the user made, and every block of them. */
  forget(userId: UserId): Promise<void>;
}
