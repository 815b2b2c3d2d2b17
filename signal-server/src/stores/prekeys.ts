import type { UserId } from '../../../shared/ids';
import type { OneTimePrekey, SignedPrekey } from '../../../shared/protocol/prekeys';
import type { PublicIdentity } from '../../../shared/crypto/identity';
import {
  MAX_ONE_TIME_PREKEYS_HANDED_OUT_PER_OWNER,
  MAX_PREKEY_CLAIMS_PER_MINUTE,
  MAX_PREKEY_CLAIMS_PER_TARGET,
  PREKEY_CLAIM_WINDOW_MS,
} from '../../../shared/limits';

export interface StoredBundle {
  readonly identity: PublicIdentity;
  readonly signedPrekey: SignedPrekey;
  /**
   * Absent once the user's one-time prekeys have run out, when the claimer is past its limits, or when the user's
   * were handed out `perOwner` times this window.
   */
  readonly oneTimePrekey?: OneTimePrekey;
}

export interface ClaimedBundle extends StoredBundle {
  /** How many one-time prekeys the user has left after this claim. */
  readonly remaining: number;
}

/**
 * How many claims of one claimer may take a one-time prekey: per target and per window, and overall; and how many
 * of one user's one-time prekeys are handed out per window, whoever claims them.
 */
export interface ClaimLimits {
  readonly perTarget: number;
  readonly perTargetWindowMs: number;
  readonly perClaimer: number;
  readonly perClaimerWindowMs: number;
  readonly perOwner: number;
  readonly perOwnerWindowMs: number;
}

export const CLAIM_LIMITS: ClaimLimits = {
  perTarget: MAX_PREKEY_CLAIMS_PER_TARGET,
  perTargetWindowMs: PREKEY_CLAIM_WINDOW_MS,
  perClaimer: MAX_PREKEY_CLAIMS_PER_MINUTE,
  perClaimerWindowMs: 60_000,
  perOwner: MAX_ONE_TIME_PREKEYS_HANDED_OUT_PER_OWNER,
  perOwnerWindowMs: PREKEY_CLAIM_WINDOW_MS,
};

/** The claims counted together: fixed windows, numbered from the epoch (a burst may straddle two). */
export const claimWindows = (target: UserId, claimer: UserId, now: number, limits: ClaimLimits) => ({
  target: `t:${claimer}:${target}:${Math.floor(now / limits.perTargetWindowMs)}`,
  targetEndsAt: (Math.floor(now / limits.perTargetWindowMs) + 1) * limits.perTargetWindowMs,
  claimer: `c:${claimer}:${Math.floor(now / limits.perClaimerWindowMs)}`,
  claimerEndsAt: (Math.floor(now / limits.perClaimerWindowMs) + 1) * limits.perClaimerWindowMs,
  owner: `o:${target}:${Math.floor(now / limits.perOwnerWindowMs)}`,
  ownerEndsAt: (Math.floor(now / limits.perOwnerWindowMs) + 1) * limits.perOwnerWindowMs,
});

/**
 * Users' published prekeys. Public keys only: the server can hand them out, never use them.
 * A one-time prekey is handed out once and then forgotten. Per user: one bundle and at most `limit` one-time
 * prekeys (publish), so what one identity stores here is bounded.
 */
export interface PrekeyStore {
  /**
   * Replaces the identity and signed prekey, adds one-time prekeys (ignoring held ids, dropping beyond `limit`;
   * after dropping all held ones if `replace`); returns the count held.
   */
  publish(
    userId: UserId,
    identity: PublicIdentity,
    signedPrekey: SignedPrekey,
    oneTimePrekeys: readonly OneTimePrekey[],
    options: { readonly limit: number; readonly replace: boolean },
  ): Promise<number>;
  /**
   * The user's bundle for `claimer`, taking (removing) one one-time prekey unless the claimer is past `limits` (each
   * claim counts, atomically with the taking) or the user's were handed out `limits.perOwner` times this window
   * (each taken one counts); undefined if the user never published.
   */
  claim(
    userId: UserId,
    by: { readonly claimer: UserId; readonly now: number; readonly limits: ClaimLimits },
  ): Promise<ClaimedBundle | undefined>;
  /** The identity the user published their prekeys with (the one their session proved); undefined if none. */
  identity(userId: UserId): Promise<PublicIdentity | undefined>;
  /** Forgets the user's bundle and one-time prekeys, and the claims counted by them or of theirs. */
  forget(userId: UserId): Promise<void>;
}
