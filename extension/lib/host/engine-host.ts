import { createEngine, type Engine } from '../engine/engine';
import { serveEngine } from '../messaging/serve';
import { openMessengerDB } from '../storage/db';
import { createContactStore } from '../storage/contact-store';
import { createIdentityStore } from '../storage/identity-store';
import { createSettingsStore } from '../storage/settings-store';
import { createPeerMesh } from '../transport/peers';
import { connectSignaling } from '../transport/signaling';

/** Starts the engine in this context (offscreen document or Firefox background page) and serves it to pages. */
export function startEngineHost(): Engine {
  const database = openMessengerDB();
  const engine = createEngine({
    settingsStore: createSettingsStore(database),
    identityStore: createIdentityStore(database),
    contactStore: createContactStore(database),
    connectSignaling,
    createMesh: createPeerMesh,
  });
  // Listening before anything is awaited, so a page that connects early is not missed.
  serveEngine(engine);
  void engine.start();
  return engine;
}
