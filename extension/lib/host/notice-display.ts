/** Where transfer notices are shown: the background (Chrome's worker, Firefox's page), asked by the engine on Chrome. */
import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { isOwnPage } from '../messaging/own-page';
import { NoticeSchema, type Notice } from './transfer-notices';
import { extensionUrl } from '../extension-url';
import { worded } from './notice-words';

/** The engine's page on Chrome: the only one that may ask for a notification. */
export const NOTICE_PAGES: readonly string[] = ['/offscreen.html'];

/** Shows a notice here (the background: Chrome's worker, or Firefox's page), worded in the browser's language. */
export function showNotice({ id, title, message }: Notice): void {
  void browser.notifications
    .create(id, {
      type: 'basic',
      iconUrl: extensionUrl('/icon/128.png'),
      title: worded(title),
      message: worded(message),
    })
    .catch((error: unknown) => console.warn('notifications: could not show one', error));
}

/** From Chrome's offscreen document: asks the background to show a notice. */
export function requestNotice(notice: Notice): void {
  void browser.runtime
    .sendMessage({ type: 'transfer-notice:show', ...notice } satisfies v.InferOutput<typeof NoticeSchema>)
    .catch((error: unknown) => console.warn('notifications: the background did not answer', error));
}

/** In Chrome's background worker: shows the notices the engine asks for. */
export function answerNoticeRequests(): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Browser.runtime.MessageSender) => {
    if (!v.is(NoticeSchema, message) || !isOwnPage(sender, NOTICE_PAGES)) return undefined;
    showNotice({ id: message.id, title: message.title, message: message.message });
    return undefined;
  });
}
