import { ok, type Result } from '../../shared/errors';
import { randomId, type UserId } from '../../shared/ids';
import { MAX_ONE_TIME_PREKEYS } from '../../shared/limits';
import type { PrekeyBundle, PrekeysPublish, PrekeysPublished } from '../../shared/protocol/prekeys';
import { publicIdentity, userIdOfKeys, type IdentityKeys } from '../../extension/lib/crypto/identity';
import { CLAIM_LIMITS, type PrekeyStore } from '../../signal-server/src/stores/prekeys';
import { present } from './vault';

/** Answers `prekeys:publish` for `keys`' owner the way the server does, from the server's own store. */
export const publishTo =
  (server: PrekeyStore, keys: IdentityKeys) =>
  async ({ signedPrekey, oneTimePrekeys, replace }: PrekeysPublish): Promise<Result<PrekeysPublished>> =>
    ok({
      oneTimePrekeys: await server.publish(
        userIdOfKeys(keys),
        publicIdentity(keys),
        signedPrekey,
        oneTimePrekeys,
        {
          limit: MAX_ONE_TIME_PREKEYS,
          replace: replace ?? false,
        },
      ),
    });

/** Answers `prekeys:claim` from the server's own store, each time as another claimer (never past the claim limits). */
export const claimFrom =
  (server: PrekeyStore) =>
  async (peerId: UserId, now = Date.now()): Promise<PrekeyBundle> => {
    const claimed = await server.claim(peerId, {
      claimer: randomId(),
      now,
      limits: CLAIM_LIMITS,
    });
    const { identity, signedPrekey, oneTimePrekey } = present(claimed, 'bundle');
    return { userId: peerId, identity, signedPrekey, ...(oneTimePrekey ? { oneTimePrekey } : {}) };
  };
