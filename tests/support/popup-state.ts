import { randomId } from '../../shared/ids';
import type { Contact, EngineState } from '../../extension/lib/messaging/protocol';
import type { ChatMessage } from '../../extension/lib/model';

/** A message `peerId` sent, delivered, now (or as `fields` say). */
export const messageFrom = (
  peerId: string,
  text: string,
  fields: Partial<ChatMessage> = {},
): ChatMessage => ({
  id: randomId(),
  peerId,
  direction: 'in',
  text,
  sentAt: Date.now(),
  status: 'delivered',
  ...fields,
});

/** A contact as the engine lists it: by default accepted, online, unmuted, its name verified and never reused. */
export const contactOf = (userId: string, name: string, fields: Partial<Contact> = {}): Contact => ({
  userId,
  name,
  state: 'accepted',
  online: true,
  muted: false,
  nameVerified: true,
  nameReused: false,
  ...fields,
});

/** The engine's state with the vault unlocked, Alice online and `bob` her one contact, online. */
export const aliceWithBob = (aliceId: string, bob: string): EngineState => ({
  vault: 'unlocked',
  settings: { name: 'Alice', serverUrl: 'http://localhost:3000', autoLockMinutes: 0, userId: aliceId },
  connection: { status: 'online' },
  contacts: [contactOf(bob, 'Bob')],
  links: {},
  unread: {},
  rooms: [],
});
