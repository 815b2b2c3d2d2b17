import { FLOOD_DISCONNECT_FACTOR } from '../../shared/limits';

/** What a sender may send in one second: messages (events, frames) and their bytes. */
export interface RateBudget {
  readonly eventsPerSecond: number;
  readonly bytesPerSecond: number;
}

/**
 * `within` the budget; `over` it (refuse what came); `flood`: FLOOD_DISCONNECT_FACTOR times over it in one second
 * (cut the sender off).
 */
export type RateVerdict = 'within' | 'over' | 'flood';

/**
 * Counts one sender's messages and bytes in the current one-second window. Small on purpose: it bounds what a
 * socket (or all the sockets of one address) can make this process do, whatever it sends.
 */
export interface RateWindow {
  /** Counts `events` messages of `bytes` bytes; returns the verdict on this window so far, them included. */
  hit(events: number, bytes: number): RateVerdict;
}

export function createRateWindow(budget: RateBudget, now: () => number = Date.now): RateWindow {
  let second = -1;
  let events = 0;
  let bytes = 0;
  return {
    hit(moreEvents, moreBytes) {
      const current = Math.floor(now() / 1000);
      if (current !== second) {
        second = current;
        events = 0;
        bytes = 0;
      }
      events += moreEvents;
      bytes += moreBytes;
      if (
        events >= budget.eventsPerSecond * FLOOD_DISCONNECT_FACTOR ||
        bytes >= budget.bytesPerSecond * FLOOD_DISCONNECT_FACTOR
      )
        return 'flood';
      return events > budget.eventsPerSecond || bytes > budget.bytesPerSecond ? 'over' : 'within';
    },
  };
}

/** The worse of two verdicts: a message must pass both its connection's window and its address's. */
export function worse(a: RateVerdict, b: RateVerdict): RateVerdict {
  const rank = { within: 0, over: 1, flood: 2 } as const;
  return rank[a] >= rank[b] ? a : b;
}
