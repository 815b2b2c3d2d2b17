import { nameKey } from '../../../shared/names';
import type { User } from '../../../shared/protocol/socket';
import type { PinnedContact } from '../model';
import type { ContactStore } from '../storage/stores';

/**
 * Trust on first sight, then loud on change. People know each other by name; the server binds a name to one key,
 * so the same name under another key means the server (or whoever runs it) presents someone else, or the contact
 * started over. Either way the user must look before a message goes out.
 */
export interface KeyPins {
  /** Pins a user seen for the first time; returns true when the user's key differs from the pinned one. */
  observe(user: User): Promise<boolean>;
  /** Pins the user's current key, accepting a change. */
  accept(user: User): Promise<void>;
  /** Everyone pinned so far: the contacts this profile knows, online or not. */
  known(): readonly PinnedContact[];
}

export function createKeyPins(store: ContactStore, loaded: readonly PinnedContact[]): KeyPins {
  const pins = new Map(loaded.map((contact) => [nameKey(contact.name), contact]));
  const pin = async (user: User): Promise<void> => {
    const contact = { name: user.name, userId: user.userId, signingKey: user.signingKey };
    pins.set(nameKey(user.name), contact);
    await store.pin(contact);
  };
  return {
    async observe(user) {
      const pinned = pins.get(nameKey(user.name));
      if (!pinned) {
        await pin(user);
        return false;
      }
      return pinned.signingKey !== user.signingKey;
    },
    accept: pin,
    known: () => [...pins.values()],
  };
}
