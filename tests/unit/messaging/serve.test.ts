import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../../extension/lib/engine/engine';
import type { PageScreen } from '../../../extension/lib/engine/view';

const OWN = 'ownextension';
type Listener = (value: unknown) => void;
const connectListeners: Listener[] = [];

// serveEngine reads the runtime through wxt/browser: a fake one, as far as serveEngine uses it.
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
const { isOwnPage } = await import('../../../extension/lib/messaging/own-page');

/** A port as serveEngine sees it, recording what the engine posts and whether it hung up. */
function connect(sender: unknown) {
  const posted: unknown[] = [];
  const messageListeners: Listener[] = [];
  const port = {
    name: 'engine',
    sender,
    disconnected: false,
    postMessage: (frame: unknown) => posted.push(frame),
    disconnect() {
      port.disconnected = true;
    },
    onMessage: { addListener: (listener: Listener) => void messageListeners.push(listener) },
    onDisconnect: { addListener: (listener: Listener) => void disconnectListeners.push(listener) },
  };
  const disconnectListeners: Listener[] = [];
  for (const listener of connectListeners) listener(port);
  return {
    port,
    posted,
    send: (message: unknown) => messageListeners.forEach((listener) => listener(message)),
    /** The page goes away. */
    close: () => disconnectListeners.forEach((listener) => listener(undefined)),
  };
}

/** Just the part of an engine serveEngine touches here: events, one method, and what pages show. */
function fakeEngine() {
  const getState = vi.fn(() => Promise.resolve({ vault: 'locked' }));
  const subscribe = vi.fn(() => () => undefined);
  /** What each page session shows, in the order it was told: a conversation, undefined, or 'closed'. */
  const screens: (string | undefined)[][] = [];
  const screen = vi.fn((): PageScreen => {
    const told: (string | undefined)[] = [];
    screens.push(told);
    return { show: (conversation) => void told.push(conversation), close: () => void told.push('closed') };
  });
  // Only these are reached by these requests; the rest of Engine is never called.
  return { engine: { getState, subscribe, screen } as unknown as Engine, getState, subscribe, screens };
}

afterEach(() => {
  connectListeners.length = 0;
  vi.restoreAllMocks();
});

describe('the port between the popup and the engine', () => {
  it('is refused to anyone but this extension’s popup: other extensions, web pages, content scripts, other pages', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { engine, subscribe } = fakeEngine();
    serveEngine(engine);
    for (const sender of [
      undefined,
      {},
      { id: 'another', url: 'chrome-extension://another/popup.html' },
      { id: OWN, url: 'https://evil.example/popup.html', tab: { url: 'https://evil.example/popup.html' } },
      { id: OWN, url: `chrome-extension://${OWN}/popup.html`, tab: { url: 'http://evil.example/' } },
      { id: OWN, url: `chrome-extension://${OWN}.evil.example/popup.html` },
      { id: OWN, url: `chrome-extension://${OWN}/offscreen.html` },
      { id: OWN, url: `chrome-extension://${OWN}/popup.html.evil` },
      { id: OWN, url: 'not a url' },
    ]) {
      const { port, posted, send } = connect(sender);
      send({ kind: 'request', id: 1, method: 'getState', params: {} });
      expect(port.disconnected, JSON.stringify(sender)).toBe(true);
      expect(posted).toEqual([]);
    }
    expect(subscribe).not.toHaveBeenCalled();
  });

  it('answers the popup, in a tab too, and drops frames that are not requests', async () => {
    const { engine, getState } = fakeEngine();
    serveEngine(engine);
    const { port, posted, send } = connect({
      id: OWN,
      url: `chrome-extension://${OWN}/popup.html?welcome`,
      tab: { url: `chrome-extension://${OWN}/popup.html?welcome` },
    });
    expect(port.disconnected).toBe(false);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const junk of [null, 'getState', { kind: 'request', id: -1, method: 'getState', params: {} }])
      send(junk);
    send({ kind: 'request', id: 2, method: 'x'.repeat(65), params: {} });
    send({ kind: 'request', id: 3, method: 'constructor', params: {} });
    send({ kind: 'request', id: 4, method: 'getState', params: { extra: true } });
    send({ kind: 'request', id: 5, method: 'getState', params: {} });
    await vi.waitFor(() => expect(posted).toHaveLength(3));
    const answers = posted as { id: number; result: { ok: boolean; error?: { code: string } } }[];
    expect(answers.map((answer) => [answer.id, answer.result.ok, answer.result.error?.code])).toEqual([
      [3, false, 'unknown-event'],
      [4, false, 'invalid-payload'],
      [5, true, undefined],
    ]);
    expect(answers[2]?.result).toEqual({ ok: true, data: { vault: 'locked' } });
    expect(getState).toHaveBeenCalledTimes(1);
  });

  it('passes only the pages it is given', () => {
    const offscreen = { id: OWN, url: `chrome-extension://${OWN}/offscreen.html` };
    expect(isOwnPage(offscreen, ['/offscreen.html'])).toBe(true);
    expect(isOwnPage(offscreen, ['/popup.html'])).toBe(false);
  });

  it('moves a page that names a paired channel onto it: requests, answers and events go there, not on the port', async () => {
    const { engine } = fakeEngine();
    let push: ((name: string, data: unknown) => void) | undefined;
    vi.spyOn(engine, 'subscribe').mockImplementation((listener) => {
      push = listener as typeof push;
      return () => (push = undefined);
    });
    const channel = new MessageChannel();
    const token = 'a'.repeat(32);
    const claim = vi.fn((named: string) => Promise.resolve(named === token ? channel.port2 : undefined));
    serveEngine(engine, { claim });
    const page = connect({ id: OWN, url: `chrome-extension://${OWN}/popup.html` });
    page.send({ kind: 'channel', token });
    const heard: unknown[] = [];
    channel.port1.onmessage = (event) => heard.push(event.data);
    await vi.waitFor(() => expect(push).toBeDefined());
    channel.port1.postMessage({ kind: 'request', id: 7, method: 'getState', params: {} });
    await vi.waitFor(() =>
      expect(heard).toEqual([{ kind: 'response', id: 7, result: { ok: true, data: { vault: 'locked' } } }]),
    );
    push?.('state', { vault: 'unlocked' });
    await vi.waitFor(() => expect(heard).toHaveLength(2));
    expect(page.posted).toEqual([]);
    page.close();
    expect(push).toBeUndefined(); // no more events for a page that is gone
    channel.port1.close();
  });

  it('tells the engine which conversation a page shows, until it shows none or goes; a bad frame changes nothing', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { engine, screens } = fakeEngine();
    serveEngine(engine);
    const page = connect({ id: OWN, url: `chrome-extension://${OWN}/popup.html` });
    const room = 'r' + 'c'.repeat(32);
    const bob = 'd'.repeat(32);
    page.send({ kind: 'showing', conversation: bob });
    page.send({ kind: 'showing', conversation: '<img src=x>' });
    page.send({ kind: 'showing', conversation: bob, more: true });
    page.send({ kind: 'showing', conversation: room });
    page.send({ kind: 'showing', conversation: null });
    page.close();
    expect(screens).toHaveLength(1);
    expect(screens[0]).toEqual([bob, room, undefined, 'closed']);
  });

  it('hangs up on a page whose channel never came, so that it connects again', async () => {
    const { engine, subscribe } = fakeEngine();
    serveEngine(engine, { claim: () => Promise.resolve(undefined) });
    const page = connect({ id: OWN, url: `chrome-extension://${OWN}/popup.html` });
    page.send({ kind: 'channel', token: 'b'.repeat(32) });
    page.send({ kind: 'request', id: 1, method: 'getState', params: {} }); // not answered while pairing
    await vi.waitFor(() => expect(page.port.disconnected).toBe(true));
    expect(page.posted).toEqual([]);
    expect(subscribe).not.toHaveBeenCalled();
  });
});
