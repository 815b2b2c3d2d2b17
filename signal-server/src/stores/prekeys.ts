import type { UserId } from '../../../shared/ids';
import type { OneTimePrekey, SignedPrekey } from '../../../shared/protocol/prekeys';
import type { PublicIdentity } from '../../../shared/crypto/identity';

export interface StoredBundle {
  readonly identity: PublicIdentity;
  readonly signedPrekey: SignedPrekey;
  /** Absent once the user's one-time prekeys have run out. */
  readonly oneTimePrekey?: OneTimePrekey;
}

/**
 * Users' published prekeys. Public keys only: the server can hand them out, never use them.
 * A one-time prekey is handed out once and then forgotten.
 */
export interface PrekeyStore {
  /**
   * Replaces the identity and signed prekey, adds one-time prekeys (ignoring known ids, dropping beyond `limit`;
   * after dropping all held ones if `replace`); returns the count held.
   */
  publish(
    userId: UserId,
    identity: PublicIdentity,
    signedPrekey: SignedPrekey,
    oneTimePrekeys: readonly OneTimePrekey[],
    options: { readonly limit: number; readonly replace: boolean },
  ): Promise<number>;
  /** The user's bundle, taking (removing) one one-time prekey; undefined if the user never published. */
  claim(userId: UserId): Promise<StoredBundle | undefined>;
}
