/**
 * Counts one connection's messages in the current one-second window. Small and per connection on purpose:
 * it bounds what a single socket can make this process do, whatever it sends.
 */
export interface RateWindow {
  /** Counts a message; returns how many this window has seen, it included. */
  hit(): number;
}

export function createRateWindow(now: () => number = Date.now): RateWindow {
  let second = -1;
  let count = 0;
  return {
    hit() {
      const current = Math.floor(now() / 1000);
      if (current !== second) {
        second = current;
        count = 0;
      }
      count += 1;
      return count;
    },
  };
}
