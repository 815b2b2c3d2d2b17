/**
 * Opens the call window: a popup window of its own (a toolbar popup closes when it loses focus; a call must not).
 * Firefox's background page hosts the engine and opens it directly; Chrome's offscreen document has only the runtime
 * API, so it asks the background's worker (a validated runtime message, only from that document), like notices.
 */
import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { openCallWindow } from '../calls/call-window';
import type { CallView } from '../messaging/call-protocol';
import { isOwnPage } from '../messaging/own-page';
import { NOTICE_PAGES } from './notice-display';
import type { Notice } from './transfer-notices';
import { words } from './notice-words';
import { CallIdSchema, type CallId } from '../../../shared/ids';

const OpenCallWindowSchema = v.strictObject({ type: v.literal('call-window:open'), callId: CallIdSchema });

/** The windows this context opened for incoming calls, by call (a click on the call's notice brings it forward). */
const incomingWindows = new Map<CallId, number>();
const NOTICE_PREFIX = 'call:';

/** Brings the window of an incoming call forward, or opens it (the first time, or once it was closed). */
async function showIncomingCall(callId: CallId): Promise<void> {
  const known = incomingWindows.get(callId);
  if (known !== undefined) {
    const focused = await browser.windows.update(known, { focused: true }).then(
      () => true,
      () => false,
    );
    if (focused) return;
  }
  const opened = await openCallWindow({ call: callId });
  if (opened !== undefined) incomingWindows.set(callId, opened);
  // Bounded: only the last few calls' windows are remembered.
  for (const old of incomingWindows.keys()) if (incomingWindows.size > 8) incomingWindows.delete(old);
}

/** Firefox: the engine's page opens the window of an incoming call itself. */
export function openIncomingCallWindow(callId: CallId): void {
  showIncomingCall(callId).catch((error: unknown) =>
    console.warn('calls: could not open the call window', error),
  );
}

/** Where notices are shown (Chrome's worker, Firefox's page): a click on a call's notice shows its window. */
export function showCallsFromNotices(): void {
  browser.notifications.onClicked.addListener((id: string) => {
    if (!id.startsWith(NOTICE_PREFIX)) return;
    const callId = v.safeParse(CallIdSchema, id.slice(NOTICE_PREFIX.length));
    if (!callId.success) return;
    void browser.notifications.clear(id);
    openIncomingCallWindow(callId.output);
  });
}

/** Chrome's offscreen engine: asks the background's worker to open the window of an incoming call. */
export function requestCallWindow(callId: CallId): void {
  browser.runtime
    .sendMessage({ type: 'call-window:open', callId } satisfies v.InferOutput<typeof OpenCallWindowSchema>)
    .catch((error: unknown) => console.warn('calls: the background did not answer', error));
}

/**
 * In Chrome's background worker: opens the call windows the engine asks for, and a call's window when its notice is
 * clicked (background.ts calls this once).
 */
export function answerCallWindowRequests(): void {
  showCallsFromNotices();
  browser.runtime.onMessage.addListener((message: unknown, sender: Browser.runtime.MessageSender) => {
    if (!v.is(OpenCallWindowSchema, message) || !isOwnPage(sender, NOTICE_PAGES)) return undefined;
    openIncomingCallWindow(message.callId);
    return undefined;
  });
}

/** The notification of an incoming call: plain text, the contact's shown name. */
export const ringingNotice = (call: CallView): Notice => ({
  id: `${NOTICE_PREFIX}${call.callId}`,
  title: words(call.media === 'video' ? 'callIncomingVideo' : 'callIncomingVoice', [call.peerName]),
  message: words('noticeAnswerInCallWindow'),
});
