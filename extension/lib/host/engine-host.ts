import { createEngine, type Engine } from '../engine/engine';
import { serveEngine } from '../messaging/serve';
import { openMessengerDB } from '../storage/db';
import { createSettingsStore } from '../storage/settings-store';
import { createPeerMesh } from '../transport/peers';
import { connectSignaling } from '../transport/signaling';

/** Starts the engine in this context (offscreen document or Firefox background page) and serves it to pages. */
export function startEngineHost(): Engine {
  const engine = createEngine({
    settingsStore: createSettingsStore(openMessengerDB()),
    connectSignaling,
    createMesh: createPeerMesh,
  });
  // Listening before anything is awaited, so a page that connects early is not missed.
  serveEngine(engine);
  void engine.start();
  return engine;
}
