import { signedPrekeyStatement, decodeBytes, verifySignature } from '../../../../shared/crypto/identity';
import { ErrorCode, fail, ok } from '../../../../shared/errors';
import { verifyEd25519Native } from '../../crypto/ed25519';
import { MAX_ONE_TIME_PREKEYS, ONE_TIME_PREKEYS_LOW_WATER } from '../../../../shared/limits';
import { CLAIM_LIMITS } from '../../stores/prekeys';
import { userRoom, type Handler } from '../context';

/** Publishes the session user's signed prekey (checked against their identity key) and one-time prekeys. */
export const prekeysPublish: Handler<'prekeys:publish'> = {
  requiresSession: true,
  async handle({ signedPrekey, oneTimePrekeys, replace = false }, { session, stores }) {
    const { user, identity } = session;
    const statement = signedPrekeyStatement(decodeBytes(signedPrekey.key));
    if (!verifySignature(statement, signedPrekey.signature, identity.signingKey, verifyEd25519Native)) {
      return fail(
        ErrorCode.InvalidPayload,
        'prekeys:publish: the signed prekey is not signed by this identity key',
      );
    }
    const count = await stores.prekeys.publish(user.userId, identity, signedPrekey, oneTimePrekeys, {
      limit: MAX_ONE_TIME_PREKEYS,
      replace,
    });
    return ok({ oneTimePrekeys: count });
  },
};

/**
 * Hands out another user's prekey bundle, spending one of their one-time prekeys, unless this claimer has claimed
 * too often or that user's were handed out too often this hour, whoever claimed them (CLAIM_LIMITS): then the
 * bundle comes without one. X3DH works without it (the signed prekey, rotated weekly, still gives forward
 * secrecy), so a client that retries still starts its session; refusing would gain nothing, since what the limits
 * protect is the owner's supply. The owner is told when it falls below the low water mark.
 */
export const prekeysClaim: Handler<'prekeys:claim'> = {
  requiresSession: true,
  async handle({ userId }, { io, session, stores }) {
    const claimed = await stores.prekeys.claim(userId, {
      claimer: session.user.userId,
      now: Date.now(),
      limits: CLAIM_LIMITS,
    });
    if (!claimed) {
      return fail(
        ErrorCode.NotFound,
        'prekeys:claim: this user has not published prekeys (they have not been online with this version)',
      );
    }
    const { remaining, ...bundle } = claimed;
    // Once, when this claim took the count below the mark: a push at each claim below it would have the engine top
    // up after every claim, for claimers to drain again. The engine also tops up whenever it connects.
    if (bundle.oneTimePrekey && remaining === ONE_TIME_PREKEYS_LOW_WATER - 1)
      io.to(userRoom(userId)).emit('prekeys:low', { remaining });
    return ok({ userId, ...bundle });
  },
};
