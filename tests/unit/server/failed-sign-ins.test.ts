import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createFailedSignInBudget } from '../../../signal-server/src/guard/failed-sign-ins';

/** A request from `address`, as far as the budget reads it (through addressOf). */
const from = (address: string): IncomingMessage => ({ address }) as unknown as IncomingMessage;
const addressOf = (request: IncomingMessage): string => (request as unknown as { address: string }).address;

describe('failed sign-ins per address', () => {
  it('holds an address back once it has spent its minute, and lets it in again as tokens come back', () => {
    let time = 0;
    const budget = createFailedSignInBudget(20, addressOf, () => time);
    for (let failure = 0; failure < 20; failure++) {
      expect(budget.allows(from('a'))).toBe(true);
      budget.spend(from('a'));
    }
    expect(budget.allows(from('a'))).toBe(false);
    budget.spend(from('a')); // a failure past the budget takes nothing more
    expect(budget.allows(from('b'))).toBe(true); // other addresses have their own
    time = 2_999;
    expect(budget.allows(from('a'))).toBe(false);
    time = 3_000; // one token every 60 / 20 s
    expect(budget.allows(from('a'))).toBe(true);
  });
});
