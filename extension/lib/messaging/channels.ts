/**
 * Direct channels between pages and the engine. Chrome and Firefox run all of an extension's pages in one process,
 * the engine's document included, so a page can hand the engine a MessagePort through the engine's window: its
 * frames then pass in process, where a runtime Port takes two hops through the browser process and JSON each way
 * (about 0.6 ms a round trip here against 0.05 ms).
 *
 * The runtime Port stays the session: the page names a random token on it, and posts the MessagePort with the same
 * token to the engine's window; the engine pairs the two. Only the runtime Port's sender is trusted (serve.ts
 * checks it), so a port offered under a token no checked page named is never served.
 */
import * as v from 'valibot';
import { randomId } from '../../../shared/ids';
import { PortChannelSchema, type PortChannel } from './engine-port';

/** The window message that carries a page's MessagePort to the engine. */
export const CHANNEL_OFFER = 'messenger:engine-channel';
/** How long either half of a pairing waits for the other, in ms. */
export const CHANNEL_PAIRING_MS = 5_000;
/** Set on the engine's window, so pages can find it among the extension's views. */
export const ENGINE_WINDOW_MARK = '__messengerEngine';

const ChannelOfferSchema = v.strictObject({
  type: v.literal(CHANNEL_OFFER),
  token: PortChannelSchema.entries.token,
});

/** The engine's side: MessagePorts offered to its window, by token, until a checked page claims them. */
export interface ChannelDesk {
  /** The port offered under `token`, waiting up to CHANNEL_PAIRING_MS for it; undefined if none came. */
  claim(token: string): Promise<MessagePort | undefined>;
}

/** What the desk needs of the engine's window (a fake in tests). */
export interface EngineWindow {
  readonly origin: string;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export function openChannelDesk(win: EngineWindow): ChannelDesk {
  (win as unknown as Record<string, unknown>)[ENGINE_WINDOW_MARK] = true;
  const offered = new Map<string, MessagePort>();
  const claims = new Map<string, (port: MessagePort) => void>();
  win.addEventListener('message', (event) => {
    // Same origin: only this extension's own pages can post from it. Anything else is not for us.
    if (event.origin !== win.origin || !v.is(ChannelOfferSchema, event.data)) return;
    const [port] = event.ports;
    if (!port || event.ports.length !== 1) return;
    const { token } = event.data;
    const claim = claims.get(token);
    if (claim) return claim(port);
    offered.set(token, port);
    setTimeout(() => {
      if (offered.get(token) !== port) return;
      offered.delete(token);
      port.close();
    }, CHANNEL_PAIRING_MS);
  });
  return {
    claim(token) {
      const port = offered.get(token);
      if (port) {
        offered.delete(token);
        return Promise.resolve(port);
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          claims.delete(token);
          resolve(undefined);
        }, CHANNEL_PAIRING_MS);
        claims.set(token, (arrived) => {
          clearTimeout(timer);
          claims.delete(token);
          resolve(arrived);
        });
      });
    },
  };
}

/**
 * The page's side: a MessagePort to the engine, with the frame that names it on the runtime Port; undefined when
 * the engine's window is not among `views` (another process), and the page keeps to the runtime Port.
 */
export function offerChannel(
  views: readonly object[],
  origin: string,
): { readonly frame: PortChannel; readonly port: MessagePort } | undefined {
  // The views are this extension's windows (the browser's typings name another lib's Window).
  const engine = views.find((view) => (view as Record<string, unknown>)[ENGINE_WINDOW_MARK] === true) as
    Window | undefined;
  if (!engine) return undefined;
  const token = randomId();
  const channel = new MessageChannel();
  engine.postMessage({ type: CHANNEL_OFFER, token }, origin, [channel.port2]);
  return { frame: { kind: 'channel', token }, port: channel.port1 };
}
