import { describe, expect, it } from 'vitest';
import { MiB, heapAfterGc } from './memory';
import { FIXED_SEED, seeds } from './seeds';
import { fuzzEngine } from './targets/engine';
import { fuzzServe } from './targets/serve';

describe('fuzz: the engine', () => {
  it('takes hostile data-channel frames, sealed content and mail without a throw or a rejection, and still takes a normal message', async () => {
    const before = heapAfterGc();
    for (const seed of seeds()) {
      const sweep = seed === FIXED_SEED;
      const reports = await fuzzEngine({ seed, frames: 200, contents: 60, mail: 100, batch: 100, sweep });
      expect(reports.flatMap((report) => report.failures)).toEqual([]);
    }
    // Loose: the engine stores the valid messages among the cases (in fake IndexedDB).
    expect((heapAfterGc() - before) / MiB).toBeLessThan(128);
  });

  it('answers every well-formed port request with one Result, drops the rest, and refuses foreign senders', async () => {
    for (const seed of seeds()) {
      const reports = await fuzzServe({ seed, numRuns: 200 });
      expect(reports.flatMap((report) => report.failures)).toEqual([]);
    }
  });
});
