import { COSTLY_SOCKET_EVENTS_WINDOW_MS, MAX_COSTLY_SOCKET_EVENTS } from '../../../shared/limits';
import type { RequestEvent } from '../../../shared/protocol/socket';

/**
 * Requests that cost the server a signature check or a room log each (an account request also walks its stores),
 * far more than most: one connection gets MAX_COSTLY_SOCKET_EVENTS of them per COSTLY_SOCKET_EVENTS_WINDOW_MS on
 * top of the general event rate, so a signed-in socket cannot spend the server's CPU on them at the full event
 * rate.
 */
export const COSTLY_EVENTS: ReadonlySet<RequestEvent> = new Set<RequestEvent>([
  'room:create',
  'room:append',
  'room:peek',
  'account:release-name',
  'account:delete',
]);

/** One connection's budget of costly requests; `spend` is false once it is spent for the current window. */
export interface CostlyBudget {
  spend(event: RequestEvent): boolean;
}

/** The window starts at the first costly request, so a burst is counted whole, whatever the clock reads. */
export function createCostlyBudget(now: () => number = Date.now): CostlyBudget {
  let start = -Infinity;
  let spent = 0;
  return {
    spend(event) {
      if (!COSTLY_EVENTS.has(event)) return true;
      const time = now();
      if (time - start >= COSTLY_SOCKET_EVENTS_WINDOW_MS) {
        start = time;
        spent = 0;
      }
      spent += 1;
      return spent <= MAX_COSTLY_SOCKET_EVENTS;
    },
  };
}
