import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { createContactGate, RELATED_CACHE_MS } from '../../../signal-server/src/peerjs/contact-gate';

/** A gate over a relation the test changes, on a clock it moves; counts the store trips. */
function gate(maxPairs?: number) {
  const related = new Set<string>();
  let time = 1_000;
  let asked = 0;
  const pair = (a: string, b: string) => [a, b].sort().join();
  const contactGate = createContactGate(
    {
      related: async (a, b) => {
        asked += 1;
        return related.has(pair(a, b));
      },
    },
    { now: () => time, ...(maxPairs === undefined ? {} : { maxPairs }) },
  );
  return {
    gate: contactGate,
    relate: (a: string, b: string) => related.add(pair(a, b)),
    unrelate: (a: string, b: string) => related.delete(pair(a, b)),
    advance: (ms: number) => (time += ms),
    asked: () => asked,
  };
}

describe('the contact gate of the PeerJS endpoint', () => {
  it('remembers a related pair (both ways) for RELATED_CACHE_MS, then asks again', async () => {
    const { gate: contacts, relate, unrelate, advance, asked } = gate();
    const [alice, bob] = [randomId(), randomId()];
    relate(alice, bob);
    expect(await contacts.allows(alice, bob)).toBe(true);
    expect(contacts.allows(bob, alice)).toBe(true); // at once, without a store trip
    expect(asked()).toBe(1);
    unrelate(alice, bob); // a removal or a block takes effect once the memory lapses
    advance(RELATED_CACHE_MS - 1);
    expect(contacts.allows(alice, bob)).toBe(true);
    advance(1);
    expect(await contacts.allows(alice, bob)).toBe(false);
    expect(asked()).toBe(2);
  });

  it('does not remember a refusal: a pair that becomes related is let through at once', async () => {
    const { gate: contacts, relate, asked } = gate();
    const [alice, bob] = [randomId(), randomId()];
    expect(await contacts.allows(alice, bob)).toBe(false);
    relate(alice, bob);
    expect(await contacts.allows(alice, bob)).toBe(true);
    expect(asked()).toBe(2);
  });

  it('holds at most maxPairs pairs, and sweeps those whose time is up', async () => {
    const { gate: contacts, relate, advance, asked } = gate(2);
    const people = Array.from({ length: 4 }, () => randomId());
    const [a, b, c, d] = people as [string, string, string, string];
    for (const [x, y] of [
      [a, b],
      [c, d],
      [a, c],
    ] as const) {
      relate(x, y);
      await contacts.allows(x, y);
    }
    expect(asked()).toBe(3);
    expect(contacts.allows(a, c)).toBe(true); // the newest is kept
    expect(await contacts.allows(a, b)).toBe(true); // the memory started over: asked again
    expect(asked()).toBe(4);
    advance(RELATED_CACHE_MS);
    contacts.sweep();
    expect(await contacts.allows(a, c)).toBe(true);
    expect(asked()).toBe(5);
  });
});
