import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { PEERJS_KEY, PEERJS_PATH } from '../../shared/protocol/socket';

const PEERJS_BUNDLE = createRequire(import.meta.url).resolve('peerjs/dist/peerjs.min.js');

/** The parts of the peerjs browser bundle that code evaluated in a page uses (types only: erased before it runs). */
export interface PageDataConnection {
  on(event: string, listener: (data?: unknown) => void): void;
  send(data: unknown): void;
}
export interface PagePeer {
  on(event: string, listener: (value: never) => void): void;
  connect(id: string, options: object): PageDataConnection;
  destroy(): void;
}
export type PagePeerjs = { peerjs: { Peer: new (id: string, options: object) => PagePeer } };

/** tsx (esbuild keepNames) wraps functions in `__name()`; code evaluated in a page needs it to exist there. */
export async function defineNameHelper(page: Page): Promise<void> {
  await page.evaluate('globalThis.__name = (fn) => fn');
}

/** Opens `url` (any page of the test server) and loads the real peerjs bundle into it, as `window.peerjs`. */
export async function openPeerjsPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.addScriptTag({ path: PEERJS_BUNDLE });
  await defineNameHelper(page);
}

/** PeerJS options for our test server: its signaling endpoint, a ticket as token, no third-party ICE servers. */
export function pagePeerOptions(serverUrl: string, token: string): object {
  const url = new URL(serverUrl);
  return {
    host: url.hostname,
    port: Number(url.port),
    path: PEERJS_PATH,
    key: PEERJS_KEY,
    token,
    config: { iceServers: [] },
  };
}
