/**
 * Opens the call window: a popup window of its own (a toolbar popup closes when it loses focus; a call must not).
 * Firefox's background page hosts the engine and opens it directly; Chrome's offscreen document has only the runtime
 * API, so it asks the background's worker (a validated runtime message, only from that document), like notices.
 */
import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { CallIdSchema, type CallId } from '../../../shared/protocol/call';
import {
  CALL_WINDOW_PATH,
  CALL_WINDOW_SIZE,
  callWindowQuery,
  type CallWindowParams,
} from '../calls/call-window';
import type { CallView } from '../messaging/call-protocol';
import { isOwnPage } from '../messaging/serve';
import { NOTICE_PAGES } from './notice-display';
import type { Notice } from './transfer-notices';

const OpenCallWindowSchema = v.strictObject({ type: v.literal('call-window:open'), callId: CallIdSchema });

/** Opens a call window here (Firefox's background page, or the popup placing a call). */
export async function openCallWindow(params: CallWindowParams): Promise<void> {
  // WXT types getURL by the build's public paths (.wxt), which code type-checked outside the extension lacks.
  const runtime = browser.runtime as unknown as { getURL(path: string): string };
  await browser.windows.create({
    url: runtime.getURL(`${CALL_WINDOW_PATH}${callWindowQuery(params)}`),
    type: 'popup',
    ...CALL_WINDOW_SIZE,
  });
}

/** Firefox: the engine's page opens the window of an incoming call itself. */
export function openIncomingCallWindow(callId: CallId): void {
  openCallWindow({ call: callId }).catch((error: unknown) =>
    console.warn('calls: could not open the call window', error),
  );
}

/** Chrome's offscreen engine: asks the background's worker to open the window of an incoming call. */
export function requestCallWindow(callId: CallId): void {
  browser.runtime
    .sendMessage({ type: 'call-window:open', callId } satisfies v.InferOutput<typeof OpenCallWindowSchema>)
    .catch((error: unknown) => console.warn('calls: the background did not answer', error));
}

/** In Chrome's background worker: opens the call windows the engine asks for (background.ts calls this once). */
export function answerCallWindowRequests(): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Browser.runtime.MessageSender) => {
    if (!v.is(OpenCallWindowSchema, message) || !isOwnPage(sender, NOTICE_PAGES)) return undefined;
    openIncomingCallWindow(message.callId);
    return undefined;
  });
}

/** The notification of an incoming call: plain text, the contact's shown name. */
export const ringingNotice = (call: CallView): Notice => ({
  id: `call:${call.callId}`,
  title: `${call.peerName} is calling you`,
  message: `${call.media === 'video' ? 'Video' : 'Voice'} call: answer it in the call window`,
});
