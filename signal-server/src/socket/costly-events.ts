import {
  COSTLY_SOCKET_EVENTS_WINDOW_MS,
  MAX_COSTLY_SOCKET_EVENTS,
  MAX_ROOM_BROWSES_PER_MINUTE,
} from '../../../shared/limits';
import type { RequestEvent } from '../../../shared/protocol/socket';

/** A per-connection budget for some requests, on top of the general event rate. */
interface EventBudget {
  readonly events: ReadonlySet<RequestEvent>;
  readonly max: number;
  readonly windowMs: number;
  /** What the refused request is answered (`rate-limited`). */
  refusal(event: RequestEvent): string;
}

/**
 * Requests that cost the server a signature check or a room log each (an account request also walks its stores;
 * a presence:watch joins, leaves and tells up to MAX_CONTACTS rooms, each a publish to Redis when scaled out), far
 * more than most: one connection gets MAX_COSTLY_SOCKET_EVENTS of them per COSTLY_SOCKET_EVENTS_WINDOW_MS on top
 * of the general event rate, so a signed-in socket cannot spend the server's CPU on them at the full event rate. A
 * client watches at sign-in and when its contacts or its visibility change: far fewer.
 */
export const COSTLY_EVENTS: ReadonlySet<RequestEvent> = new Set<RequestEvent>([
  'room:create',
  'room:append',
  'room:peek',
  'room:listing',
  'account:release-name',
  'account:delete',
  'presence:watch',
  // Each stored profile is announced by its owner's client to every contact (a sealed message each).
  'profile:put',
]);

const BUDGETS: readonly EventBudget[] = [
  {
    events: COSTLY_EVENTS,
    max: MAX_COSTLY_SOCKET_EVENTS,
    windowMs: COSTLY_SOCKET_EVENTS_WINDOW_MS,
    refusal: (event) =>
      `${event}: at most ${MAX_COSTLY_SOCKET_EVENTS} room requests every ${COSTLY_SOCKET_EVENTS_WINDOW_MS / 1000} s (account requests, presence:watch and profile:put count among them); wait and try again`,
  },
  // Looking for a public room, not copying every listing and its code.
  {
    events: new Set<RequestEvent>(['room:browse', 'room:listed-code']),
    max: MAX_ROOM_BROWSES_PER_MINUTE,
    windowMs: 60_000,
    refusal: (event) =>
      `${event}: at most ${MAX_ROOM_BROWSES_PER_MINUTE} searches of public rooms a minute on one connection; wait a minute and try again`,
  },
];

/** One connection's budgets; `spend` resolves the refusal once the event's budget is spent for its window. */
export interface CostlyBudget {
  spend(event: RequestEvent): { readonly refused: string } | undefined;
}

/** Each window starts at the first request it counts, so a burst is counted whole, whatever the clock reads. */
export function createCostlyBudget(now: () => number = Date.now): CostlyBudget {
  const windows = BUDGETS.map((budget) => ({ budget, start: -Infinity, spent: 0 }));
  return {
    spend(event) {
      const window = windows.find((candidate) => candidate.budget.events.has(event));
      if (!window) return undefined;
      const time = now();
      if (time - window.start >= window.budget.windowMs) {
        window.start = time;
        window.spent = 0;
      }
      window.spent += 1;
      return window.spent <= window.budget.max ? undefined : { refused: window.budget.refusal(event) };
    },
  };
}
