import type { UserId } from '../../../shared/ids';
import type { PresenceToken } from '../../../shared/protocol/contacts';
import type { User } from '../../../shared/protocol/socket';

/** What a claim found: the session it replaced (to be disconnected), and what that session leaves to announce. */
export interface ClaimOutcome {
  readonly replaced?: string;
  /**
   * The presence tokens the user's previous session presented while visible (none if hidden, or if there was
   * none): its contacts are to be told it went offline, before the new session says it is online.
   */
  readonly departed: readonly PresenceToken[];
}

/** A user released because their server process stopped (killed, crashed), and the tokens to announce offline. */
export interface Departure {
  readonly userId: UserId;
  /** The tokens their session presented while visible; none if it was hidden. */
  readonly tokens: readonly PresenceToken[];
}

/**
 * Who is online, through which session, and which presence tokens each presents (the tokens of their contacts,
 * opaque here: see shared/protocol/contacts.ts). Names are not checked here: the account store binds them. No
 * method walks every user except list() and count() (health, tests). Asynchronous so that a shared store (Redis)
 * can stand behind it when the server scales out.
 */
export interface PresenceStore {
  /**
   * Marks `user` online through `sessionId`, presenting no token yet; a newer session of the same user replaces the
   * older one, whose tokens are dropped (and returned to announce, if it was visible).
   */
  claim(user: User, sessionId: string): Promise<ClaimOutcome>;
  /** Ends `sessionId`, dropping its tokens; resolves true when that took the user offline. */
  release(userId: UserId, sessionId: string): Promise<boolean>;
  /**
   * Replaces the tokens `sessionId` presents, and whether it shows itself (`visible`); resolves false, changing
   * nothing, if it is not the user's session (any more).
   */
  present(
    userId: UserId,
    sessionId: string,
    tokens: readonly PresenceToken[],
    visible: boolean,
  ): Promise<boolean>;
  /** Whether both users are online and present at least one token in common (they are each other's contacts). */
  shareToken(a: UserId, b: UserId): Promise<boolean>;
  /** Everyone online (O(users): for tests and tools, never on a request's path). */
  list(): Promise<User[]>;
  count(): Promise<number>;
  /**
   * Called every few seconds by each process: tells the store this process is alive, and releases the users
   * whose process is not (killed, crashed) so the caller can announce them offline. One process has no one
   * else to watch: the embedded store returns none.
   */
  heartbeat(): Promise<Departure[]>;
}
