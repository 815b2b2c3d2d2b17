// Chromium sometimes gives no strings at all (see i18n.ts): notices and menu titles fall back to English.
import '../lib/english';
import { answerBadgeRequests } from '../lib/host/badge';
import { answerCallWindowRequests } from '../lib/host/call-windows';
import { answerDownloadRequests } from '../lib/host/downloads';
import { answerNoticeRequests } from '../lib/host/notice-display';
import {
  answerMessageNoticeRequests,
  openConversationsFromNotices,
} from '../lib/host/message-notice-display';
import { answerEnsureEngine } from '../lib/host/ensure';
import { ensureOffscreenDocument } from '../lib/host/offscreen';
import { pageShareLink, workerShareLink } from '../lib/host/share-links';
import { startShareMenu } from '../lib/host/share-menu';

export default defineBackground({
  // Firefox (MV2): the background page hosts the engine and must not be unloaded.
  persistent: true,
  main() {
    // A new user may not find the toolbar icon (Chrome tucks it away): greet them in a tab to choose a name.
    browser.runtime.onInstalled.addListener(({ reason }) => {
      if (reason === 'install') void browser.tabs.create({ url: browser.runtime.getURL('/popup.html') });
    });
    // A message notice clicked opens its conversation (the notices are shown here on both browsers).
    openConversationsFromNotices();
    if (import.meta.env.MANIFEST_VERSION === 2) {
      // Imported only here, so Chrome's service worker bundle carries no WebRTC or socket code.
      const engineReady = import('../lib/host/engine-host').then(({ startEngineHost }) => startEngineHost());
      answerEnsureEngine(() => engineReady.then(() => undefined));
      // The context menu "Send to…" (and its test hook, see share-menu.ts): the engine is in this page.
      startShareMenu(pageShareLink(engineReady));
      return;
    }
    // Chrome (MV3): this service worker may be stopped at any time; the engine lives in the offscreen document.
    answerEnsureEngine(ensureOffscreenDocument);
    answerBadgeRequests();
    // Received files: the offscreen engine has no downloads API and asks here.
    answerDownloadRequests();
    answerNoticeRequests();
    answerMessageNoticeRequests();
    // Calls: the offscreen engine cannot open windows; an incoming call's window is opened here when it asks.
    answerCallWindowRequests();
    // The context menu "Send to…" (and its test hook, see share-menu.ts): it asks the offscreen engine by Port.
    startShareMenu(workerShareLink());
    browser.runtime.onStartup.addListener(() => void ensureOffscreenDocument());
    void ensureOffscreenDocument();
  },
});
