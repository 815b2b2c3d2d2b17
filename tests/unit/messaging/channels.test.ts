import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import {
  CHANNEL_OFFER,
  CHANNEL_PAIRING_MS,
  ENGINE_WINDOW_MARK,
  offerChannel,
  openChannelDesk,
  type EngineWindow,
} from '../../../extension/lib/messaging/channels';

const ORIGIN = 'chrome-extension://ownextension';

/** The engine's window as the desk sees it: message events, and the origin they must come from. */
function engineWindow(): EngineWindow & EventTarget {
  const target = new EventTarget();
  const listen = target.addEventListener.bind(target);
  return Object.assign(target, {
    origin: ORIGIN,
    addEventListener: (type: 'message', listener: (event: MessageEvent) => void) =>
      listen(type, listener as EventListener),
  });
}

function offer(win: EventTarget, token: string, origin = ORIGIN, data?: unknown): MessagePort {
  const channel = new MessageChannel();
  win.dispatchEvent(
    new MessageEvent('message', {
      data: data ?? { type: CHANNEL_OFFER, token },
      origin,
      ports: [channel.port2],
    }),
  );
  return channel.port1;
}

/** Whether a message posted on `page` reaches `engine`. */
async function connected(page: MessagePort, engine: MessagePort): Promise<boolean> {
  const arrived = new Promise<unknown>((resolve) => {
    engine.onmessage = (event) => resolve(event.data);
  });
  page.postMessage('ping');
  return (await arrived) === 'ping';
}

afterEach(() => vi.useRealTimers());

describe('direct channels between pages and the engine', () => {
  it('pairs a port with the token a page named, whichever of the two comes first', async () => {
    const win = engineWindow();
    const desk = openChannelDesk(win);
    const early = randomId();
    const earlyPage = offer(win, early);
    const earlyEngine = await desk.claim(early);
    expect(earlyEngine && (await connected(earlyPage, earlyEngine))).toBe(true);

    const late = randomId();
    const claiming = desk.claim(late);
    const latePage = offer(win, late);
    const lateEngine = await claiming;
    expect(lateEngine && (await connected(latePage, lateEngine))).toBe(true);
    for (const port of [earlyPage, earlyEngine, latePage, lateEngine]) port?.close();
  });

  it('never pairs a port from another origin, a malformed offer, or a token no page named in time', async () => {
    vi.useFakeTimers();
    const win = engineWindow();
    const desk = openChannelDesk(win);
    const token = randomId();
    offer(win, token, 'https://evil.example');
    offer(win, token, ORIGIN, { type: CHANNEL_OFFER, token, extra: true });
    offer(win, token, ORIGIN, { type: 'something else', token });
    const claim = desk.claim(token);
    await vi.advanceTimersByTimeAsync(CHANNEL_PAIRING_MS);
    expect(await claim).toBeUndefined();

    const unclaimed = randomId();
    offer(win, unclaimed);
    await vi.advanceTimersByTimeAsync(CHANNEL_PAIRING_MS);
    expect(await Promise.race([desk.claim(unclaimed), Promise.resolve('waiting')])).toBe('waiting');
  });

  it('lets a page find the engine’s window by its mark, and offers it a port under a fresh token', () => {
    const posted: { message: unknown; origin: string; ports: unknown[] }[] = [];
    const engine = {
      [ENGINE_WINDOW_MARK]: true,
      postMessage: (message: unknown, origin: string, ports: unknown[]) =>
        posted.push({ message, origin, ports }),
    };
    expect(offerChannel([{}], ORIGIN)).toBeUndefined(); // not in this process: the runtime Port carries all
    const channel = offerChannel([{}, engine], ORIGIN);
    expect(channel?.frame.kind).toBe('channel');
    expect(channel?.frame.token).toMatch(/^[0-9a-f]{32}$/);
    expect(posted).toEqual([
      {
        message: { type: CHANNEL_OFFER, token: channel?.frame.token },
        origin: ORIGIN,
        ports: [expect.anything()],
      },
    ]);
    channel?.port.close();
  });
});
