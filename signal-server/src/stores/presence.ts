import type { User } from '../../../shared/protocol/socket';
import type { UserId } from '../../../shared/ids';

export type ClaimOutcome =
  | {
      readonly ok: true;
      /** The session this claim replaced, to be disconnected. */ readonly replaced?: string;
    }
  | { readonly ok: false; readonly reason: 'name-taken' };

/**
 * Who is online, and which display names they hold while online.
 * Asynchronous so that a shared store (Redis) can stand behind it when the server scales out.
 */
export interface PresenceStore {
  /** Marks `user` online through `sessionId`; a newer session of the same user replaces the older one. */
  claim(user: User, sessionId: string): Promise<ClaimOutcome>;
  /** Ends `sessionId`; resolves true when that took the user offline. */
  release(userId: UserId, sessionId: string): Promise<boolean>;
  list(): Promise<User[]>;
  count(): Promise<number>;
}
