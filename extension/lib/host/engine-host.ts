import { createEngine, type Engine } from '../engine/engine';
import { browserFileServices } from '../files/browser-files';
import { createBadgeRequester, setBadge } from './badge';
import { sendShareTargets, watchShareTargets } from './share-targets';
import { requestNotice, showNotice } from './notice-display';
import { watchTransferNotices } from './transfer-notices';
import {
  openIncomingCallWindow,
  requestCallWindow,
  ringingNotice,
  showCallsFromNotices,
} from './call-windows';
import { localMessageNotices, requestedMessageNotices, watchOpenPopups } from './message-notice-display';
import { watchMessageNotices } from './message-notices';
import { openChannelDesk } from '../messaging/channels';
import { serveEngine } from '../messaging/serve';
import { openMessengerDB } from '../storage/db';
import { createVaultStorage } from '../storage/vault-storage';
import { createPeerMesh } from '../transport/peers';
import { connectSignaling } from '../transport/signaling';

/** Starts the engine in this context (offscreen document or Firefox background page) and serves it to pages. */
export function startEngineHost(): Engine {
  const engine = createEngine({
    storage: createVaultStorage(openMessengerDB()),
    // Firefox's background page hosts the engine and may set the badge itself; Chrome's offscreen page may not.
    showUnread:
      import.meta.env.MANIFEST_VERSION === 2 ? (count) => void setBadge(count) : createBadgeRequester(),
    connectSignaling,
    createMesh: createPeerMesh,
    files: browserFileServices(),
    // An incoming call opens its window (Chrome: the worker opens it when asked) and notifies.
    callHost: {
      openWindow: import.meta.env.MANIFEST_VERSION === 2 ? openIncomingCallWindow : requestCallWindow,
      notifyRinging: (call) =>
        (import.meta.env.MANIFEST_VERSION === 3 ? requestNotice : showNotice)(ringingNotice(call)),
    },
  });
  // Firefox shows notices in this page: a click on a ringing call's brings its window (Chrome: the worker does).
  if (import.meta.env.MANIFEST_VERSION === 2) showCallsFromNotices();
  // Listening before anything is awaited, so a page that connects early is not missed.
  const popupOpen = watchOpenPopups();
  serveEngine(engine, openChannelDesk(window));
  // Chrome: the context menu lives in the background's worker, told of the targets by message. Firefox's background
  // page hosts the engine and watches it itself (share-links.ts).
  if (import.meta.env.MANIFEST_VERSION === 3) watchShareTargets(engine, sendShareTargets);
  // File transfers that wait for a decision, or are over: a notification (Chrome's worker shows it when asked).
  watchTransferNotices(engine, import.meta.env.MANIFEST_VERSION === 3 ? requestNotice : showNotice);
  // Messages while no popup is open: a notification per conversation, as Settings say (message-notices.ts).
  watchMessageNotices(
    engine,
    popupOpen,
    import.meta.env.MANIFEST_VERSION === 3 ? requestedMessageNotices : localMessageNotices,
  );
  void engine.start();
  return engine;
}
