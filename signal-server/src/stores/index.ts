import type { AccountStore } from './accounts';
import { createMemoryAccountStore } from './memory/accounts';
import { createMemoryPresenceStore } from './memory/presence';
import { createMemoryPrekeyStore } from './memory/prekeys';
import type { PrekeyStore } from './prekeys';
import type { PresenceStore } from './presence';

export interface Stores {
  readonly accounts: AccountStore;
  readonly presence: PresenceStore;
  readonly prekeys: PrekeyStore;
}

/** The default stores: in this process, no external service needed. */
export function createEmbeddedStores(): Stores {
  return {
    accounts: createMemoryAccountStore(),
    presence: createMemoryPresenceStore(),
    prekeys: createMemoryPrekeyStore(),
  };
}
