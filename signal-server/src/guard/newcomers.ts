import type { IncomingMessage } from 'node:http';
import { createAddressBuckets } from './address-buckets';

const HOUR_MS = 60 * 60 * 1000;

/**
 * How many new identities (signing keys the server has never seen) each address may start sessions for: each
 * costs a name, prekeys and a mailbox, and a key costs its maker nothing. Addresses are those of the requests
 * the sockets came on, counted as the door counts them (clientAddress: behind a trusted proxy, the last
 * X-Forwarded-For entry). See session.ts for when it is checked and when counted.
 *
 * Kept per process, in memory: with Redis scale-out each process counts on its own, so an address can create at
 * most (processes × the limit) an hour. That bound is what matters here, and it needs no store round trip; a
 * restart forgets the counts, which gives an attacker one more hour's worth, not an unbounded number.
 */
export interface NewcomerBudget {
  /** New identities per address per hour. */
  readonly perHour: number;
  /** Whether the address `request` came from may start a session for a new identity now; counts nothing. */
  allows(request: IncomingMessage): boolean;
  /** Counts one new identity for `request`'s address; false, and nothing counted, when its budget is spent. */
  take(request: IncomingMessage): boolean;
  /** Gives back one counted for a session that did not start after all. */
  giveBack(request: IncomingMessage): void;
}

export function createNewcomerBudget(
  perHour: number,
  addressOf: (request: IncomingMessage) => string,
  now: () => number = Date.now,
): NewcomerBudget {
  const buckets = createAddressBuckets({ capacity: perHour, refillMs: HOUR_MS }, now);
  return {
    perHour,
    allows: (request) => buckets.has(addressOf(request)),
    take: (request) => buckets.take(addressOf(request)),
    giveBack: (request) => buckets.giveBack(addressOf(request)),
  };
}
