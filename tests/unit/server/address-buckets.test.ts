import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createAddressBuckets } from '../../../signal-server/src/guard/address-buckets';
import { clientAddress } from '../../../signal-server/src/guard/client-address';
import { createNewcomerBudget } from '../../../signal-server/src/guard/newcomers';

describe('token buckets per address', () => {
  it('lets an address take its capacity at once, then one more per refill share, apart from other addresses', () => {
    let time = 0;
    const buckets = createAddressBuckets({ capacity: 3, refillMs: 3_000 }, () => time);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([true, true, true]);
    expect(buckets.has('a')).toBe(false);
    expect(buckets.take('a')).toBe(false);
    expect(buckets.take('b')).toBe(true);
    time = 999;
    expect(buckets.take('a')).toBe(false);
    time = 1_000;
    expect(buckets.take('a')).toBe(true);
    expect(buckets.take('a')).toBe(false);
    time = 60_000; // long idle: full again, never above capacity
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('takes back a token given back, never above capacity', () => {
    const buckets = createAddressBuckets({ capacity: 1, refillMs: 60_000 }, () => 0);
    expect(buckets.take('a')).toBe(true);
    buckets.giveBack('a');
    buckets.giveBack('a');
    expect([buckets.take('a'), buckets.take('a')]).toEqual([true, false]);
  });
});

describe('new identities per address', () => {
  const from = (remoteAddress: string, forwardedFor?: string): IncomingMessage =>
    ({
      socket: { remoteAddress },
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    }) as unknown as IncomingMessage; // only the two fields clientAddress reads

  it('counts under the address the door uses: behind a trusted proxy, the last X-Forwarded-For entry', () => {
    let time = 0;
    const budget = createNewcomerBudget(
      2,
      (request) => clientAddress(request, true),
      () => time,
    );
    expect(budget.take(from('127.0.0.1', '198.51.100.1, 203.0.113.7'))).toBe(true);
    expect(budget.take(from('127.0.0.1', '198.51.100.2, 203.0.113.7'))).toBe(true);
    expect(budget.allows(from('127.0.0.1', '203.0.113.7'))).toBe(false);
    expect(budget.allows(from('127.0.0.1', '203.0.113.8'))).toBe(true);
    time = 30 * 60 * 1000; // half an hour: one of two back
    expect(budget.take(from('127.0.0.1', '203.0.113.7'))).toBe(true);
    expect(budget.allows(from('127.0.0.1', '203.0.113.7'))).toBe(false);
  });
});
