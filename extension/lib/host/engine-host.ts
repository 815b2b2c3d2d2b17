import { createEngine, type Engine } from '../engine/engine';
import { requestBadge, setBadge } from './badge';
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
    showUnread: import.meta.env.MANIFEST_VERSION === 2 ? (count) => void setBadge(count) : requestBadge,
    connectSignaling,
    createMesh: createPeerMesh,
  });
  // Listening before anything is awaited, so a page that connects early is not missed.
  serveEngine(engine);
  void engine.start();
  return engine;
}
