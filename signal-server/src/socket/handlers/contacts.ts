import { isUserIdOf } from '../../../../shared/crypto/identity';
import { ErrorCode, fail, ok } from '../../../../shared/errors';
import { MAX_BLOCKED } from '../../../../shared/limits';
import type { Handler } from '../context';

/**
 * The one user bound to that exact name (compared as nameKey: case aside), with the signing key they published
 * their prekeys with; no listing, no prefix. The name answered is the one asked (the server keeps only its key).
 * Rate-limited per connection (costly-events.ts).
 */
export const userLookup: Handler<'user:lookup'> = {
  requiresSession: true,
  async handle({ name }, { stores }) {
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
