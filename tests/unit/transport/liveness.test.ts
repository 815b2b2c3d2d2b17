import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchLiveness } from '../../../extension/lib/transport/liveness';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function watch() {
  const calls = { heartbeats: 0, dead: 0 };
  const liveness = watchLiveness({
    sendHeartbeat: () => (calls.heartbeats += 1),
    onDead: () => (calls.dead += 1),
    intervalMs: 5_000,
    timeoutMs: 15_000,
  });
  return { calls, liveness };
}

describe('data channel liveness', () => {
  it('sends a heartbeat when the channel has been quiet for an interval, not when it carried messages', () => {
    const { calls, liveness } = watch();
    vi.advanceTimersByTime(5_000);
    expect(calls.heartbeats).toBe(1);
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(2_000);
      liveness.sent();
      liveness.received();
    }
    expect(calls.heartbeats).toBe(1);
    liveness.stop();
  });

  it('declares the channel dead once, after the timeout with nothing received', () => {
    const { calls } = watch();
    vi.advanceTimersByTime(15_000);
    expect(calls.dead).toBe(0);
    vi.advanceTimersByTime(2_500);
    expect(calls.dead).toBe(1);
    vi.advanceTimersByTime(60_000);
    expect(calls.dead).toBe(1);
  });

  it('stays alive as long as anything arrives, heartbeats included', () => {
    const { calls, liveness } = watch();
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(5_000);
      liveness.received();
    }
    expect(calls.dead).toBe(0);
    liveness.stop();
    vi.advanceTimersByTime(60_000);
    expect(calls.dead).toBe(0);
  });
});
