import { createMemoryPresenceStore } from './memory/presence';
import type { PresenceStore } from './presence';

export interface Stores {
  readonly presence: PresenceStore;
}

/** The default stores: in this process, no external service needed. */
export function createEmbeddedStores(): Stores {
  return { presence: createMemoryPresenceStore() };
}
