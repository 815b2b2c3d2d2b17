import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../../extension/lib/engine/engine';

const OWN = 'ownextension';
type Listener = (value: unknown) => void;
const connectListeners: Listener[] = [];
vi.mock('wxt/browser', () => ({
  browser: {
    runtime: {
      id: OWN,
      getURL: (path: string) => `chrome-extension://${OWN}${path}`,
      onConnect: { addListener: (listener: Listener) => void connectListeners.push(listener) },
    },
  },
}));
const { serveEngine } = await import('../../../extension/lib/messaging/serve');

function connect(sender: unknown) {
  const posted: unknown[] = [];
  const messageListeners: Listener[] = [];
  const port = {
    name: 'engine',
    sender,
    disconnected: false,
    postMessage: (frame: unknown) => posted.push(frame),
    disconnect: () => void (port.disconnected = true),
    onMessage: { addListener: (listener: Listener) => void messageListeners.push(listener) },
    onDisconnect: { addListener: () => undefined },
  };
  for (const listener of connectListeners) listener(port);
  return {
    port,
    posted,
    send: (message: unknown) => messageListeners.forEach((listener) => listener(message)),
  };
}

function fakeEngine() {
  const calls = {
    getState: vi.fn(() => Promise.resolve({ vault: 'unlocked' })),
    getShareTargets: vi.fn(() => Promise.resolve({ targets: [] })),
    subscribe: vi.fn(() => () => undefined),
    screen: vi.fn(() => ({ show: () => undefined, close: () => undefined })),
  };
  // Only these are reached by the requests below.
  return { engine: calls as unknown as Engine, calls };
}

afterEach(() => {
  connectListeners.length = 0;
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the background worker’s port to the engine (Chrome)', () => {
  const worker = { id: OWN, url: `chrome-extension://${OWN}/background.js` };

  it('is answered for the share methods only, and gets no events', async () => {
    const { engine, calls } = fakeEngine();
    serveEngine(engine);
    const { posted, send } = connect(worker);
    send({ kind: 'request', id: 1, method: 'getShareTargets', params: {} });
    send({ kind: 'request', id: 2, method: 'getState', params: {} });
    send({ kind: 'showing', conversation: 'd'.repeat(32) }); // the worker shows nothing
    await settle();
    expect(calls.getShareTargets).toHaveBeenCalledTimes(1);
    expect(calls.getState).not.toHaveBeenCalled();
    expect(calls.subscribe).not.toHaveBeenCalled();
    expect(calls.screen).not.toHaveBeenCalled();
    expect(posted).toHaveLength(2);
    expect(posted).toContainEqual({ kind: 'response', id: 1, result: { ok: true, data: { targets: [] } } });
    const refused = posted.find((frame) => (frame as { id: number }).id === 2) as {
      result: { ok: boolean; error: { message: string } };
    };
    expect(refused.result.ok).toBe(false);
    expect(refused.result.error.message).toBe('Unknown engine method "getState"');
  });

  it('is refused to a script of another name or extension, and to a tab showing it', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { engine } = fakeEngine();
    serveEngine(engine);
    for (const sender of [
      { id: OWN, url: `chrome-extension://${OWN}/other.js` },
      { id: 'another', url: 'chrome-extension://another/background.js' },
      { id: OWN, url: `chrome-extension://${OWN}/background.js`, tab: { url: 'https://evil.example/' } },
    ])
      expect(connect(sender).port.disconnected).toBe(true);
  });

  it('serves the share window as it serves the popup', async () => {
    const { engine, calls } = fakeEngine();
    serveEngine(engine);
    const { send } = connect({ id: OWN, url: `chrome-extension://${OWN}/share.html?to=x` });
    send({ kind: 'request', id: 1, method: 'getState', params: {} });
    await settle();
    expect(calls.getState).toHaveBeenCalledTimes(1);
    expect(calls.subscribe).toHaveBeenCalledTimes(1);
  });
});
