import type { IncomingMessage } from 'node:http';
import { createAddressBuckets } from './address-buckets';

const MINUTE_MS = 60 * 1000;

/**
 * How many sign-ins that fail verification each address may make per minute. A forged answer (a real identity,
 * a wrong signature) costs its sender nothing and the server two signature verifications; past the budget every
 * session:start from the address is refused before any verification, until tokens come back. Addresses are those
 * of the requests the sockets came on, counted as the door counts them (clientAddress). See session.ts for when
 * it is checked and when spent.
 *
 * Kept per process, in memory, like the newcomer budget: with Redis each process counts on its own, which bounds
 * an address's verifications per process, the resource this protects.
 */
export interface FailedSignInBudget {
  /** Failed sign-ins per address per minute. */
  readonly perMinute: number;
  /** Whether the address `request` came from may still have an answer verified; counts nothing. */
  allows(request: IncomingMessage): boolean;
  /** Counts one failed verification for `request`'s address (nothing more once its budget is spent). */
  spend(request: IncomingMessage): void;
}

export function createFailedSignInBudget(
  perMinute: number,
  addressOf: (request: IncomingMessage) => string,
  now: () => number = Date.now,
): FailedSignInBudget {
  const buckets = createAddressBuckets({ capacity: perMinute, refillMs: MINUTE_MS }, now);
  return {
    perMinute,
    allows: (request) => buckets.has(addressOf(request)),
    spend: (request) => void buckets.take(addressOf(request)),
  };
}
