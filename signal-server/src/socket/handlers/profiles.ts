import { ErrorCode, fail, ok } from '../../../../shared/errors';
import type { Handler } from '../context';

/**
 * Stores the session user's sealed profile. The server cannot open it (the key is shared between contacts only);
 * it only keeps versions going up, so an older profile (replayed, or from a slower device) never replaces a newer.
 */
export const profilePut: Handler<'profile:put'> = {
  requiresSession: true,
  async handle({ version, sealed }, { session, stores, logger }) {
    const { userId } = session.user;
    const outcome = await stores.profiles.put(userId, { version, sealed });
    if (!outcome.ok)
      return fail(
        ErrorCode.InvalidPayload,
        `profile:put: this server holds version ${outcome.held} of your profile already; send a higher version`,
      );
    logger.debug({ userId, version }, 'profile stored');
    return ok({ version });
  },
};

/**
 * Any user's newest sealed profile, to any signed-in user: it is ciphertext, useless without the profile key its
 * owner gives their contacts over the ratchet.
 */
export const profileGet: Handler<'profile:get'> = {
  requiresSession: true,
  async handle({ userId }, { stores }) {
    const profile = await stores.profiles.get(userId);
    if (!profile)
      return fail(ErrorCode.NotFound, 'profile:get: this user has stored no profile on this server');
    return ok(profile);
  },
};
