import type { UserId } from '../../../shared/ids';
import type { User } from '../../../shared/protocol/socket';

/** The session this claim replaced, to be disconnected. */
export interface ClaimOutcome {
  readonly replaced?: string;
}

/**
 * Who is online, through which session. Names are not checked here: the account store binds them.
 * Asynchronous so that a shared store (Redis) can stand behind it when the server scales out.
 */
export interface PresenceStore {
  /** Marks `user` online through `sessionId`; a newer session of the same user replaces the older one. */
  claim(user: User, sessionId: string): Promise<ClaimOutcome>;
  /** Ends `sessionId`; resolves true when that took the user offline. */
  release(userId: UserId, sessionId: string): Promise<boolean>;
  list(): Promise<User[]>;
  count(): Promise<number>;
  /**
   * Called every few seconds by each process: tells the store this process is alive, and releases the users
   * whose process is not (killed, crashed) so the caller can announce them offline. One process has no one
   * else to watch: the embedded store returns none.
   */
  heartbeat(): Promise<UserId[]>;
}
