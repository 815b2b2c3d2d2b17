import { ok, type Result } from '../../shared/errors';
import type { UserId } from '../../shared/ids';
import { MAX_ONE_TIME_PREKEYS } from '../../shared/limits';
import type { PrekeyBundle, PrekeysPublish, PrekeysPublished } from '../../shared/protocol/prekeys';
import { publicIdentity, userIdOfKeys, type IdentityKeys } from '../../extension/lib/crypto/identity';
import type { PrekeyStore } from '../../signal-server/src/stores/prekeys';
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

/** Answers `prekeys:claim` from the server's own store. */
export const claimFrom =
  (server: PrekeyStore) =>
  async (peerId: UserId): Promise<PrekeyBundle> => ({
    userId: peerId,
    ...present(await server.claim(peerId), 'bundle'),
  });
