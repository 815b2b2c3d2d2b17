import type { AccountStore } from './accounts';
import { createMemoryAccountStore } from './memory/accounts';
import { createMemoryPresenceStore } from './memory/presence';
import type { PresenceStore } from './presence';

export interface Stores {
  readonly accounts: AccountStore;
  readonly presence: PresenceStore;
}

/** The default stores: in this process, no external service needed. */
export function createEmbeddedStores(): Stores {
  return { accounts: createMemoryAccountStore(), presence: createMemoryPresenceStore() };
}
