import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineListener } from '../../../extension/lib/engine/engine';
import type { ShareTarget } from '../../../extension/lib/messaging/protocol';

const OWN = 'ownextension';
type Listener = (message: unknown, sender: unknown) => unknown;
const listeners: Listener[] = [];
vi.mock('wxt/browser', () => ({
  browser: {
    runtime: {
      id: OWN,
      getURL: (path: string) => `chrome-extension://${OWN}${path}`,
      onMessage: { addListener: (listener: Listener) => void listeners.push(listener) },
    },
  },
}));
const { TARGETS_DELAY_MS, answerShareTargets, watchShareTargets } =
  await import('../../../extension/lib/host/share-targets');
const { MAX_MENU_TARGETS } = await import('../../../extension/lib/share/menu-items');

const bob: ShareTarget = { id: 'b'.repeat(32), name: 'Bob', kind: 'contact' };
const team: ShareTarget = { id: `r${'a'.repeat(32)}`, name: 'Team', kind: 'room' };

/** An engine whose targets a test sets, and whose events it fires. */
function fakeEngine(initial: readonly ShareTarget[]) {
  let targets = initial;
  let listener: EngineListener | undefined;
  const engine = {
    subscribe: (added: EngineListener) => {
      listener = added;
      return () => (listener = undefined);
    },
    getShareTargets: vi.fn(() => Promise.resolve({ targets })),
  };
  return {
    engine,
    set: (next: readonly ShareTarget[]) => (targets = next),
    fire: (name: 'state' | 'message' | 'transfer') => listener?.(name, {} as never),
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  listeners.length = 0;
});

describe('the engine host’s watch on share targets', () => {
  it('reports at start, then once per burst of events, and only when the targets changed', async () => {
    const { engine, set, fire } = fakeEngine([bob]);
    const reports: (readonly ShareTarget[])[] = [];
    watchShareTargets(engine, async (targets) => void reports.push(targets));
    await vi.advanceTimersByTimeAsync(TARGETS_DELAY_MS);
    expect(reports).toEqual([[bob]]);

    fire('state');
    fire('message');
    await vi.advanceTimersByTimeAsync(TARGETS_DELAY_MS);
    expect(reports).toHaveLength(1); // read again, the same: nothing to tell

    set([team, bob]); // a message in the room moved it to the top
    fire('message');
    fire('state');
    fire('transfer'); // progress says nothing about targets
    await vi.advanceTimersByTimeAsync(TARGETS_DELAY_MS);
    expect(reports).toEqual([[bob], [team, bob]]);
    expect(engine.getShareTargets).toHaveBeenCalledTimes(3);
  });

  it('reports at most MAX_MENU_TARGETS, and tries again after a report that did not go through', async () => {
    const many = Array.from({ length: MAX_MENU_TARGETS + 2 }, (_, index) => ({
      ...bob,
      id: index.toString(16).padStart(32, '0'),
    }));
    const { engine, fire } = fakeEngine(many);
    const report = vi.fn<(targets: readonly ShareTarget[]) => Promise<unknown>>();
    report.mockRejectedValueOnce(new Error('the worker did not answer')).mockResolvedValue(undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    watchShareTargets(engine, report);
    await vi.advanceTimersByTimeAsync(TARGETS_DELAY_MS);
    fire('state');
    await vi.advanceTimersByTimeAsync(TARGETS_DELAY_MS);
    expect(report).toHaveBeenCalledTimes(2);
    expect(report.mock.calls[1]?.[0]).toEqual(many.slice(0, MAX_MENU_TARGETS));
  });
});

describe('the background’s answer to target reports', () => {
  const offscreen = { id: OWN, url: `chrome-extension://${OWN}/offscreen.html` };
  const deliver = (message: unknown, sender: unknown) =>
    listeners.forEach((listener) => listener(message, sender));

  it('takes them only from the engine’s offscreen document, and only well formed', () => {
    const heard: (readonly ShareTarget[])[] = [];
    answerShareTargets((targets) => heard.push(targets));
    const message = { type: 'share-targets:set', targets: [bob, team] };
    deliver(message, { id: OWN, url: `chrome-extension://${OWN}/popup.html` });
    deliver(message, { id: 'another', url: 'chrome-extension://another/offscreen.html' });
    deliver({ ...message, targets: [{ ...bob, id: 'not an id' }] }, offscreen);
    deliver({ ...message, targets: [{ ...bob, extra: 1 }] }, offscreen);
    deliver({ ...message, targets: Array.from({ length: MAX_MENU_TARGETS + 1 }, () => bob) }, offscreen);
    expect(heard).toEqual([]);
    deliver(message, offscreen);
    expect(heard).toEqual([[bob, team]]);
  });
});
