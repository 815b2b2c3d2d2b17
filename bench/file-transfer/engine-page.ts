/**
 * An extension page that talks to the engine over the direct channel, as the share window does (client.ts): the
 * popup's page with its app left out (nothing renders on the engine's thread), a runtime Port named for the session,
 * and a MessagePort handed to the engine's window, which carries File objects by structured clone.
 */
import type { Page } from 'playwright-core';
import { CHANNEL_OFFER, ENGINE_WINDOW_MARK } from '../../extension/lib/messaging/channels';
import { ENGINE_PORT } from '../../extension/lib/messaging/engine-port';
import type { ChromeUser } from '../../tests/support/chrome-extension';
import { defineNameHelper } from '../../tests/support/peerjs-page';

/** What the page keeps as `window.engineLink` (types only: erased before the code runs in the page). */
export interface EngineLink {
  request(method: string, params: unknown): Promise<unknown>;
  on(name: string, listener: (data: unknown) => void): void;
}
export type EngineLinkWindow = { engineLink: EngineLink };

/** Opens popup.html without its app and connects it to the engine over a direct channel, as `window.engineLink`. */
export async function openEnginePage(user: ChromeUser): Promise<Page> {
  const script = '**/chunks/popup-*.js';
  await user.context.route(script, (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }),
  );
  const page = await user.context.newPage();
  try {
    await page.goto(`chrome-extension://${user.extensionId}/popup.html`);
  } finally {
    await user.context.unroute(script);
  }
  await defineNameHelper(page);
  await page.evaluate(
    ({ mark, offerType, portName }) => {
      interface RuntimePort {
        postMessage(message: unknown): void;
        onDisconnect: { addListener(listener: () => void): void };
      }
      const { chrome } = globalThis as unknown as {
        chrome: {
          runtime: { connect(info: { name: string }): RuntimePort };
          extension: { getViews(): Window[] };
        };
      };
      const engine = chrome.extension
        .getViews()
        .find((view) => (view as unknown as Record<string, unknown>)[mark] === true);
      if (!engine) throw new Error('openEnginePage: the engine window is not in reach of this page');
      const token = Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
        byte.toString(16).padStart(2, '0'),
      ).join('');
      const channel = new MessageChannel();
      engine.postMessage({ type: offerType, token }, location.origin, [channel.port2]);
      const port = chrome.runtime.connect({ name: portName });
      port.postMessage({ kind: 'channel', token });
      let nextId = 0;
      const pending = new Map<number, { resolve(data: unknown): void; reject(error: Error): void }>();
      const listeners = new Map<string, ((data: unknown) => void)[]>();
      port.onDisconnect.addListener(() => {
        for (const waiter of pending.values()) waiter.reject(new Error('the engine went away'));
      });
      channel.port1.onmessage = (event: MessageEvent) => {
        const frame = event.data as {
          kind: string;
          id?: number;
          name?: string;
          data?: unknown;
          result?: { ok: boolean; data?: unknown; error?: { message: string } };
        };
        if (frame.kind === 'event') {
          for (const listener of listeners.get(frame.name ?? '') ?? []) listener(frame.data);
          return;
        }
        const waiter = pending.get(frame.id ?? -1);
        pending.delete(frame.id ?? -1);
        if (frame.result?.ok) waiter?.resolve(frame.result.data);
        else waiter?.reject(new Error(frame.result?.error?.message ?? 'the engine refused'));
      };
      const link: EngineLink = {
        request(method, params) {
          const id = nextId++;
          return new Promise((resolve, reject) => {
            pending.set(id, { resolve, reject });
            channel.port1.postMessage({ kind: 'request', id, method, params });
          });
        },
        on(name, listener) {
          listeners.set(name, [...(listeners.get(name) ?? []), listener]);
        },
      };
      (window as unknown as EngineLinkWindow).engineLink = link;
    },
    { mark: ENGINE_WINDOW_MARK, offerType: CHANNEL_OFFER, portName: ENGINE_PORT },
  );
  // The first answer proves the pairing: the engine claimed the port.
  await page.evaluate(() => (window as unknown as EngineLinkWindow).engineLink.request('getState', {}));
  return page;
}
