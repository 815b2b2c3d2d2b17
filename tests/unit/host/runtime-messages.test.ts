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
const { answerBadgeRequests } = await import('../../../extension/lib/host/badge');
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
