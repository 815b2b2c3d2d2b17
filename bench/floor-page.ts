/**
 * The floor under the popup's opening: a page of the extension that does only what any popup must, as early as it
 * can. Its script asks the engine for the conversation's newest page first thing, over the same direct channel the
 * popup uses (channels.ts), and writes the newest messages as plain paragraphs: no framework, no product code, no
 * styles. popup-unattached.ts opens it beside the popup and watches it the same way (popup-watch.ts): the time it
 * takes is what this machine and browser allow before the popup's own code costs anything.
 *
 * It goes in a copy of the build (popup-open.ts makes one), never in the build itself. The engine serves only the
 * extension's own pages (ENGINE_PAGES), so the floor takes the place of one the bench never opens: the share window.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHANNEL_OFFER, ENGINE_WINDOW_MARK } from '../extension/lib/messaging/channels';
import { ENGINE_PAGES, ENGINE_PORT } from '../extension/lib/messaging/engine-port';
import type { EngineRequest, PortRequest } from '../extension/lib/messaging/protocol';

export const FLOOR_PAGE = 'share.html';
const FLOOR_SCRIPT = 'bench-floor.js';
if (!ENGINE_PAGES.includes(`/${FLOOR_PAGE}`))
  throw new Error(`floor-page: the engine does not serve ${FLOOR_PAGE}`);

/** What the page asks and shows: the conversation's newest `limit` messages, the newest `shown` of them written. */
export interface FloorTarget {
  readonly peerId: string;
  readonly limit: number;
  readonly shown: number;
}

/** Writes the floor page into the build copy at `build` (the extension reads its files when a page asks for them). */
export function writeFloorPage(build: string, target: FloorTarget): void {
  // The popup's own request for the newest page, typed here against the engine's protocol.
  const request = {
    kind: 'request',
    id: 1,
    method: 'openConversation',
    params: { peerId: target.peerId, limit: target.limit } satisfies EngineRequest<'openConversation'>,
  } satisfies PortRequest;
  writeFileSync(
    join(build, FLOOR_PAGE),
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>floor</title><script type="module" src="/${FLOOR_SCRIPT}"></script></head><body></body></html>`,
  );
  // The popup's mark, so the watcher reads this page's script start the same way.
  writeFileSync(
    join(build, FLOOR_SCRIPT),
    `performance.mark('popup:start');
const [target, request, offer, mark, portName] = ${JSON.stringify([target, request, CHANNEL_OFFER, ENGINE_WINDOW_MARK, ENGINE_PORT])};
const engine = chrome.extension.getViews().find((view) => view[mark] === true);
const token = [...crypto.getRandomValues(new Uint8Array(16))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
const channel = new MessageChannel();
engine.postMessage({ type: offer, token }, location.origin, [channel.port2]);
chrome.runtime.connect({ name: portName }).postMessage({ kind: 'channel', token });
channel.port1.onmessage = ({ data: frame }) => {
  if (frame.kind !== 'response' || frame.id !== request.id || !frame.result.ok) return;
  const log = document.createElement('div');
  log.dataset.testid = 'messages';
  for (const message of frame.result.data.slice(-target.shown)) {
    const text = document.createElement('p');
    text.dataset.testid = 'message-text';
    text.textContent = message.text;
    log.append(text);
  }
  document.body.append(log);
};
channel.port1.postMessage(request);
`,
  );
}
