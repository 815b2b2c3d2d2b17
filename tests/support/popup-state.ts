import type { EngineState } from '../../extension/lib/messaging/protocol';

/** The engine's state with the vault unlocked, Alice online and `bob` her one contact, online. */
export const aliceWithBob = (aliceId: string, bob: string): EngineState => ({
  vault: 'unlocked',
  settings: { name: 'Alice', serverUrl: 'http://localhost:3000', autoLockMinutes: 0, userId: aliceId },
  connection: { status: 'online' },
  contacts: [{ userId: bob, name: 'Bob', online: true }],
  links: {},
  keyChanged: [],
  unread: {},
  rooms: [],
});
