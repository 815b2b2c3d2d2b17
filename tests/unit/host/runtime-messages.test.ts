import { afterEach, describe, expect, it, vi } from 'vitest';

const OWN = 'ownextension';
type Listener = (message: unknown, sender: unknown, respond: (answer: unknown) => void) => unknown;
const listeners: Listener[] = [];
const setBadgeText = vi.fn(() => Promise.resolve());

// The background's runtime listeners read the runtime and the action through wxt/browser: a fake of that much.
vi.mock('wxt/browser', () => ({
  browser: {
    runtime: {
      id: OWN,
      getURL: (path: string) => `chrome-extension://${OWN}${path}`,
      onMessage: { addListener: (listener: Listener) => void listeners.push(listener) },
    },
    action: { setBadgeText },
  },
}));
const { BADGE_REQUEST_DELAY_MS, answerBadgeRequests, createBadgeRequester } =
  await import('../../../extension/lib/host/badge');
const { ENSURE_ENGINE, answerEnsureEngine } = await import('../../../extension/lib/host/ensure');

const page = (path: string) => ({ id: OWN, url: `chrome-extension://${OWN}${path}` });
const deliver = (message: unknown, sender: unknown) =>
  listeners.map((listener) => listener(message, sender, () => undefined));

afterEach(() => {
  listeners.length = 0;
  setBadgeText.mockClear();
});

describe('runtime messages the background answers', () => {
  it('sets the badge only for the engine’s offscreen document', () => {
    answerBadgeRequests();
    for (const sender of [
      page('/popup.html'),
      { id: 'another', url: 'chrome-extension://another/offscreen.html' },
    ])
      deliver({ type: 'badge:set', count: 5 }, sender);
    expect(setBadgeText).not.toHaveBeenCalled();
    deliver({ type: 'badge:set', count: 5 }, page('/offscreen.html'));
    expect(setBadgeText).toHaveBeenCalledWith({ text: '5' });
  });

  it('starts the engine only for the popup', () => {
    const ensure = vi.fn(() => Promise.resolve());
    answerEnsureEngine(ensure);
    deliver(ENSURE_ENGINE, page('/offscreen.html'));
    deliver(ENSURE_ENGINE, { id: OWN, url: 'https://evil.example/popup.html' });
    expect(ensure).not.toHaveBeenCalled();
    expect(deliver(ENSURE_ENGINE, page('/popup.html'))).toEqual([true]);
    expect(ensure).toHaveBeenCalledTimes(1);
  });
});

describe('the engine’s badge requests', () => {
  it('sends one request for a burst of counts, with the last one, and none when the count did not change', async () => {
    vi.useFakeTimers();
    try {
      const sent: number[] = [];
      const request = createBadgeRequester(async (count) => void sent.push(count));
      request(0); // a restarted engine says what it has, even nothing: an old count may be shown
      await vi.advanceTimersByTimeAsync(BADGE_REQUEST_DELAY_MS);
      for (const count of [1, 2, 3]) request(count);
      await vi.advanceTimersByTimeAsync(BADGE_REQUEST_DELAY_MS);
      request(4);
      request(3); // back to what the badge shows: nothing to ask
      await vi.advanceTimersByTimeAsync(BADGE_REQUEST_DELAY_MS);
      expect(sent).toEqual([0, 3]);
    } finally {
      vi.useRealTimers();
    }
  });
});
