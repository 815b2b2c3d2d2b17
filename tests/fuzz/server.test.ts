import { describe, expect, it } from 'vitest';
import { MiB, heapAfterGc } from './memory';
import { seeds } from './seeds';
import { fuzzServer } from './targets/server';

describe('fuzz: the server over real sockets', () => {
  it('survives hostile socket events, engine.io frames and PeerJS frames, accepted or refused, and keeps serving', async () => {
    const before = heapAfterGc();
    const [fixed, random] = seeds();
    for (const [seed, scale] of [
      [fixed, 1],
      [random, 0.5],
    ] as const) {
      const reports = await fuzzServer({
        seed: seed ?? 1,
        events: 400 * scale,
        rawFrames: 200 * scale,
        peerjsFrames: 200 * scale,
        refusedPeerjs: 60 * scale,
        batch: 100,
      });
      expect(reports.flatMap((report) => report.failures)).toEqual([]);
    }
    // The server and its clients live in this process; loose, since sockets free their buffers lazily.
    expect((heapAfterGc() - before) / MiB).toBeLessThan(128);
  });
});
