import { describe, expect, it } from 'vitest';
import { MiB, heapAfterGc } from './memory';
import { seeds } from './seeds';
import { fuzzValidators, sweepValidators } from './targets/validators';

describe('fuzz: every boundary schema', () => {
  it('parses every field of every example set to every edge value without throwing, refusing with a message', () => {
    const report = sweepValidators();
    expect(report.failures).toEqual([]);
    expect(report.cases).toBeGreaterThan(10_000);
  });

  it('parses random and mutated input without throwing, with memory bounded', async () => {
    const before = heapAfterGc();
    for (const seed of seeds()) {
      const report = await fuzzValidators({ numRuns: 5_000, seed });
      expect(report.failures).toEqual([]);
    }
    // Parsing keeps nothing: what is left after a collection is the test's own noise.
    expect((heapAfterGc() - before) / MiB).toBeLessThan(32);
  });
});
