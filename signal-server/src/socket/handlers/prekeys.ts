import { signedPrekeyStatement, decodeBytes, verifySignature } from '../../../../shared/crypto/identity';
import { ErrorCode, fail, ok } from '../../../../shared/errors';
import { MAX_ONE_TIME_PREKEYS } from '../../../../shared/limits';
import type { Handler } from '../context';

/** Publishes the session user's signed prekey (checked against their identity key) and one-time prekeys. */
export const prekeysPublish: Handler<'prekeys:publish'> = {
  requiresSession: true,
  async handle({ signedPrekey, oneTimePrekeys, replace = false }, { session, stores }) {
    const { user, identity } = session;
    const statement = signedPrekeyStatement(decodeBytes(signedPrekey.key));
    if (!verifySignature(statement, signedPrekey.signature, identity.signingKey)) {
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

/** Hands out another user's prekey bundle, spending one of their one-time prekeys. */
export const prekeysClaim: Handler<'prekeys:claim'> = {
  requiresSession: true,
  async handle({ userId }, { stores }) {
    const bundle = await stores.prekeys.claim(userId);
    if (!bundle) {
      return fail(
        ErrorCode.NotFound,
        'prekeys:claim: this user has not published prekeys (they have not been online with this version)',
      );
    }
    return ok({ userId, ...bundle });
  },
};
