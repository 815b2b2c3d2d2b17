import type { UserId } from '../../../shared/ids';

/** Whether two users may signal each other now (stores/related.ts: contacts online, neither blocking). */
export interface Contacts {
  related(a: UserId, b: UserId): Promise<boolean>;
}

/**
 * How long a pair found related is taken as related without asking the stores again, in ms. A removal or a block
 * (a token no longer presented, block:set) therefore stops signaling between the two within this time; a new
 * contact is let through at once (refusals are not remembered).
 */
export const RELATED_CACHE_MS = 10_000;
/** Pairs remembered at most; past it the memory starts over (it only saves store round trips). */
export const RELATED_CACHE_MAX_PAIRS = 100_000;

export interface ContactGate {
  /** True at once for a pair found related within RELATED_CACHE_MS; otherwise the stores' answer. */
  allows(a: UserId, b: UserId): true | Promise<boolean>;
  /** Forgets pairs whose time is up (called now and then; a lookup ignores them anyway). */
  sweep(): void;
}

/** Signaling only between contacts, with a short positive memory per pair so a frame rarely costs a store trip. */
export function createContactGate(
  contacts: Contacts,
  { ttlMs = RELATED_CACHE_MS, maxPairs = RELATED_CACHE_MAX_PAIRS, now = Date.now } = {},
): ContactGate {
  const until = new Map<string, number>();
  // Relatedness is symmetric: one entry per pair, whoever sends.
  const pairOf = (a: UserId, b: UserId) => (a < b ? `${a}${b}` : `${b}${a}`);
  return {
    allows(a, b) {
      const pair = pairOf(a, b);
      if ((until.get(pair) ?? 0) > now()) return true;
      return contacts.related(a, b).then((related) => {
        if (related) {
          if (until.size >= maxPairs) until.clear();
          until.set(pair, now() + ttlMs);
        }
        return related;
      });
    },
    sweep() {
      const time = now();
      for (const [pair, expiresAt] of until) if (expiresAt <= time) until.delete(pair);
    },
  };
}
