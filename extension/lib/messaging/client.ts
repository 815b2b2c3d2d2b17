import { browser } from 'wxt/browser';
import type { WireError } from '../../../shared/errors';
import type {
  EngineEvents,
  EngineMethod,
  EngineRequest,
  EngineResponses,
  PortEvent,
  PortRequest,
  PortResponse,
  PortShowing,
} from './protocol';
import { ENGINE_PORT } from './engine-port';
import { ENSURE_ENGINE } from '../host/ensure';
import { offerChannel } from './channels';
import type { ConversationId } from '../../../shared/ids';

export class EngineRequestError extends Error {
  constructor(readonly error: WireError) {
    super(error.message);
    this.name = 'EngineRequestError';
  }
}

export interface EngineClient {
  request<M extends EngineMethod>(method: M, params: EngineRequest<M>): Promise<EngineResponses[M]>;
  on<E extends keyof EngineEvents>(name: E, listener: (data: EngineEvents[E]) => void): () => void;
  /** Called once if the engine goes away (its document was closed); connect again to go on. */
  onClose(listener: () => void): void;
  /** Tells the engine which conversation this page shows now, in sight (undefined: none); see PortShowing. */
  show(conversation: ConversationId | undefined): void;
  close(): void;
}

export interface ConnectOptions {
  /**
   * Fails unless the direct channel can be had: a page that sends File objects (the share window) needs it, as
   * a runtime Port carries JSON only.
   */
  readonly requireDirect?: boolean;
}

/**
 * Makes sure the engine runs (the background creates it if it is not in reach), then opens a port to it, and a
 * direct channel when the engine's window is in reach (see channels.ts): frames then go over the channel, and the
 * port tells when the engine is gone.
 */
export async function connectEngine({ requireDirect = false }: ConnectOptions = {}): Promise<EngineClient> {
  // The engine's window in reach means it runs: the background (a service worker that may be asleep) is asked to
  // start it only when it is not, which spares an opening popup that round trip.
  let channel = offerChannel(browser.extension.getViews(), location.origin);
  if (!channel) {
    await browser.runtime.sendMessage(ENSURE_ENGINE);
    channel = offerChannel(browser.extension.getViews(), location.origin);
  }
  if (!channel && requireDirect)
    throw new Error(
      'connectEngine: the messenger engine is not in reach of this window (no direct channel), so files cannot be handed to it; close this window and open it again from the messenger',
    );
  const port = browser.runtime.connect({ name: ENGINE_PORT });
  if (channel) port.postMessage(channel.frame);
  const send = (frame: PortRequest | PortShowing): void =>
    channel ? channel.port.postMessage(frame) : port.postMessage(frame);
  let nextId = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  const closeListeners = new Set<() => void>();

  // Frames come from our own engine (checked on its side), so their shape is trusted here.
  const receive = (frame: PortResponse | PortEvent): void => {
    if (frame.kind === 'event') {
      for (const listener of listeners.get(frame.name) ?? []) listener(frame.data);
      return;
    }
    const waiter = pending.get(frame.id);
    pending.delete(frame.id);
    if (frame.result.ok) waiter?.resolve(frame.result.data);
    else waiter?.reject(new EngineRequestError(frame.result.error));
  };
  if (channel)
    channel.port.onmessage = (event: MessageEvent<PortResponse | PortEvent>) => receive(event.data);
  else port.onMessage.addListener(receive);
  port.onDisconnect.addListener(() => {
    for (const waiter of pending.values())
      waiter.reject(new Error('The messenger engine stopped; reopen the popup'));
    pending.clear();
    for (const listener of closeListeners) listener();
  });

  return {
    request(method, params) {
      const id = nextId++;
      const frame: PortRequest = { kind: 'request', id, method, params };
      return new Promise((resolve, reject) => {
        // The engine answers request `id` with the response type of `method`.
        pending.set(id, { resolve, reject });
        send(frame);
      });
    },
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      const untyped = listener as (data: unknown) => void;
      set.add(untyped);
      return () => set.delete(untyped);
    },
    onClose(listener) {
      closeListeners.add(listener);
    },
    show(conversation) {
      try {
        send({ kind: 'showing', conversation: conversation ?? null });
      } catch {
        // The engine went away (a disconnected Port throws): it takes no message for this page now anyway, and the
        // page tells the next engine when it connects again.
      }
    },
    close() {
      port.disconnect();
      channel?.port.close();
    },
  };
}
