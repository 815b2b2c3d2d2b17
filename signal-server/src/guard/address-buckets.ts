/** How many of something an address may do: `capacity` at once, refilled evenly over `refillMs`. */
export interface BucketBudget {
  readonly capacity: number;
  /** Time an empty bucket takes to fill up again, in ms. */
  readonly refillMs: number;
}

/**
 * A token bucket per address: each thing an address does takes a token; tokens come back at
 * capacity / refillMs per ms, up to capacity. A full bucket is the same as none, so entries full again are
 * swept (at most once per refillMs): the map holds only addresses that did something in the last refillMs.
 */
export interface AddressBuckets {
  /** Whether `address` has a token left now; takes nothing. */
  has(address: string): boolean;
  /** Takes a token from `address`'s bucket; false, and nothing taken, when it is empty. */
  take(address: string): boolean;
  /** Returns a token taken for something that did not happen after all (never above capacity). */
  giveBack(address: string): void;
}

export function createAddressBuckets(
  { capacity, refillMs }: BucketBudget,
  now: () => number = Date.now,
): AddressBuckets {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let sweptAt = now();

  /** The tokens `address` has at `time` (no entry: a full bucket), its entry brought up to date. */
  function tokensAt(address: string, time: number): number {
    const entry = buckets.get(address);
    if (!entry) return capacity;
    entry.tokens = Math.min(capacity, entry.tokens + ((time - entry.at) * capacity) / refillMs);
    entry.at = time;
    return entry.tokens;
  }

  function sweep(time: number): void {
    if (time - sweptAt < refillMs) return;
    sweptAt = time;
    for (const address of [...buckets.keys()])
      if (tokensAt(address, time) >= capacity) buckets.delete(address);
  }

  return {
    has(address) {
      return tokensAt(address, now()) >= 1;
    },
    take(address) {
      const time = now();
      sweep(time);
      const tokens = tokensAt(address, time);
      if (tokens < 1) return false;
      buckets.set(address, { tokens: tokens - 1, at: time });
      return true;
    },
    giveBack(address) {
      const time = now();
      const tokens = tokensAt(address, time) + 1;
      if (tokens >= capacity) buckets.delete(address);
      else buckets.set(address, { tokens, at: time });
    },
  };
}
