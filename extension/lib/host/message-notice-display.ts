/**
 * Where message notices are shown and answered: the background (Chrome's worker, asked by the offscreen engine;
 * Firefox's page, which hosts the engine). Clicking one opens its conversation in a popup-sized window.
 */
import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { t } from '../i18n';
import { ENGINE_PORT } from '../messaging/engine-port';
import { isOwnPage } from '../messaging/own-page';
import {
  conversationOfNotice,
  messageNoticeId,
  MessageNoticeClearSchema,
  MessageNoticeSchema,
  wordNotice,
  type MessageNotice,
  type MessageNoticeDisplay,
} from './message-notices';
import { extensionUrl } from '../extension-url';
import type { ConversationId } from '../../../shared/ids';

/** The engine's page on Chrome: the only one that may ask for a message notice, or take one back. */
export const MESSAGE_NOTICE_PAGES: readonly string[] = ['/offscreen.html'];

/** The pages that count as "a popup is open" (the toolbar popup, or the same page in a tab or window). */
export const POPUP_PAGES: readonly string[] = ['/popup.html'];

/** The size of the window a notice opens: the toolbar popup's. */
const WINDOW = { width: 400, height: 600 } as const;

/** Shows a message notice here (the background: Chrome's worker, or Firefox's page). */
export function showMessageNotice(notice: MessageNotice): void {
  const { title, message } = wordNotice(notice, t);
  void browser.notifications
    .create(messageNoticeId(notice.conversation), {
      type: 'basic',
      iconUrl: extensionUrl('/icon/128.png'),
      title,
      message,
    })
    .catch((error: unknown) => console.warn('notifications: could not show one', error));
}

/** Takes a conversation's notice back, if one is shown. */
export function clearMessageNotice(conversation: ConversationId): void {
  void browser.notifications
    .clear(messageNoticeId(conversation))
    .catch((error: unknown) => console.warn('notifications: could not clear one', error));
}

/** Here: the background page (Firefox) shows and clears the notices itself. */
export const localMessageNotices: MessageNoticeDisplay = {
  show: showMessageNotice,
  clear: clearMessageNotice,
};

/** From Chrome's offscreen document: the background worker shows and clears them when asked. */
export const requestedMessageNotices: MessageNoticeDisplay = {
  show: requestMessageNotice,
  clear(conversation) {
    void browser.runtime
      .sendMessage({ type: 'message-notice:clear', conversation } satisfies v.InferOutput<
        typeof MessageNoticeClearSchema
      >)
      .catch((error: unknown) => console.warn('notifications: the background did not answer', error));
  },
};

/** From Chrome's offscreen document: asks the background to show a message notice. */
export function requestMessageNotice(notice: MessageNotice): void {
  void browser.runtime
    .sendMessage({ type: 'message-notice:show', ...notice } satisfies v.InferOutput<
      typeof MessageNoticeSchema
    >)
    .catch((error: unknown) => console.warn('notifications: the background did not answer', error));
}

/** In Chrome's background worker: shows and clears the message notices the engine asks for. */
export function answerMessageNoticeRequests(): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Browser.runtime.MessageSender) => {
    if (!isOwnPage(sender, MESSAGE_NOTICE_PAGES)) return undefined;
    const clear = v.safeParse(MessageNoticeClearSchema, message);
    if (clear.success) clearMessageNotice(clear.output.conversation);
    const parsed = v.safeParse(MessageNoticeSchema, message);
    if (!parsed.success) return undefined;
    const { conversation, count, content } = parsed.output;
    showMessageNotice(content ? { conversation, count, content } : { conversation, count });
    return undefined;
  });
}

/** The popup's address that opens on `conversation` (App reads it: conversationFromLocation). */
export const conversationUrl = (conversation: ConversationId): string =>
  `${extensionUrl('/popup.html')}?conversation=${encodeURIComponent(conversation)}`;

/** In the background: a click on a message notice opens its conversation, and the notice goes. */
export function openConversationsFromNotices(): void {
  browser.notifications.onClicked.addListener((id: string) => {
    const conversation = conversationOfNotice(id);
    if (!conversation) return;
    void browser.notifications.clear(id);
    void browser.windows
      .create({ url: conversationUrl(conversation), type: 'popup', ...WINDOW })
      .catch((error: unknown) => console.warn('notifications: could not open the conversation', error));
  });
}

/** In the engine's host: whether a popup is open now, from the engine Ports its pages hold. */
export function watchOpenPopups(): () => boolean {
  let open = 0;
  browser.runtime.onConnect.addListener((port: Browser.runtime.Port) => {
    if (port.name !== ENGINE_PORT || !isOwnPage(port.sender, POPUP_PAGES)) return;
    open += 1;
    port.onDisconnect.addListener(() => {
      open -= 1;
    });
  });
  return () => open > 0;
}
