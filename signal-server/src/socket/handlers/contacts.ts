import { isUserIdOf } from '../../../../shared/crypto/identity';
import { ErrorCode, fail, ok } from '../../../../shared/errors';
import type { UserId } from '../../../../shared/ids';
import { MAX_BLOCKED, MAX_USER_LOOKUPS_PER_MINUTE } from '../../../../shared/limits';
import type { Stores } from '../../stores';
import type { Handler } from '../context';

const LOOKUP_WINDOW_MS = 60_000;
/** Users whose lookup windows this process keeps before it sweeps out the expired ones. */
const LOOKUP_WINDOWS_KEPT = 10_000;

/**
 * Lookups per user in the current minute, by server (its stores), whatever connection they come on: reconnecting
 * buys no more guesses. Per process: a user spread over the processes of a scaled-out server gets one budget each.
 */
const lookupWindows = new WeakMap<Stores, Map<UserId, { start: number; spent: number }>>();

function spendLookup(stores: Stores, userId: UserId, now = Date.now()): boolean {
  let windows = lookupWindows.get(stores);
  if (!windows) lookupWindows.set(stores, (windows = new Map<UserId, { start: number; spent: number }>()));
  const window = windows.get(userId);
  if (window && now - window.start < LOOKUP_WINDOW_MS) {
    window.spent += 1;
    return window.spent <= MAX_USER_LOOKUPS_PER_MINUTE;
  }
  if (windows.size >= LOOKUP_WINDOWS_KEPT)
    for (const [id, old] of windows) if (now - old.start >= LOOKUP_WINDOW_MS) windows.delete(id);
  windows.set(userId, { start: now, spent: 1 });
  return true;
}

/**
 * The one user bound to that exact name (compared as nameKey: case aside), with the signing key they published
 * their prekeys with; no listing, no prefix. The name answered is the one asked (the server keeps only its key).
 * Rate-limited per user, across their connections: finding people one knows by name, not listing who uses the
 * server by guessing names.
 */
export const userLookup: Handler<'user:lookup'> = {
  requiresSession: true,
  async handle({ name }, { stores, session }) {
    if (!spendLookup(stores, session.user.userId))
      return fail(
        ErrorCode.RateLimited,
        `user:lookup: at most ${MAX_USER_LOOKUPS_PER_MINUTE} name lookups a minute; wait a minute and try again`,
      );
    const userId = await stores.accounts.lookup(name);
    if (userId === undefined)
      return fail(
        ErrorCode.NotFound,
        'user:lookup: nobody has that name on this server; check its spelling (names are matched exactly, case aside)',
      );
    const identity = await stores.prekeys.identity(userId);
    // Published by the session that proved this key; checked anyway, as the client will.
    if (!identity || !isUserIdOf(userId, identity.signingKey))
      return fail(
        ErrorCode.NotFound,
        'user:lookup: that user has not published their keys on this server yet; try again once they have signed in',
      );
    return ok({ user: { userId, name, signingKey: identity.signingKey } });
  },
};

/** Blocks or unblocks a user for the session's user; at most MAX_BLOCKED at once. */
export const blockSet: Handler<'block:set'> = {
  requiresSession: true,
  async handle({ userId, blocked }, { session, stores, logger }) {
    const self = session.user.userId;
    if (userId === self) return fail(ErrorCode.InvalidPayload, 'block:set: you cannot block yourself');
    const outcome = await stores.blocks.set(self, userId, blocked, MAX_BLOCKED);
    if (!outcome.ok)
      return fail(
        ErrorCode.QuotaExceeded,
        `block:set: you block ${MAX_BLOCKED} users already, the most one may; unblock someone first`,
      );
    logger.debug({ userId: self, blocked, count: outcome.count }, 'block list changed');
    return ok({ blocked: outcome.count });
  },
};
