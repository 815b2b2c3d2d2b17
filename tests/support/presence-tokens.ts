import { randomBytes } from 'node:crypto';
import { encodeBytes } from '../../shared/crypto/identity';
import type { PresenceToken } from '../../shared/protocol/contacts';
import type { ServerToClientEvents } from '../../shared/protocol/socket';
import type { TestClient } from './server';

/** A new presence token, as two contacts derive from their secret (presenceToken): 32 random bytes here. */
export const newToken = (): PresenceToken => encodeBytes(randomBytes(32));

/** Presents `tokens` on `socket` (presence:watch); throws if the server refuses. */
export async function watch(
  socket: TestClient,
  tokens: readonly PresenceToken[],
  visible = true,
): Promise<void> {
  const answer = await socket.emitWithAck('presence:watch', { tokens: [...tokens], visible });
  if (!answer.ok) throw new Error(`presence:watch: ${answer.error.message}`);
}

/** Makes the users signed in on these sockets contacts: each presents one new token; resolves it. */
export async function makeContacts(...sockets: TestClient[]): Promise<PresenceToken> {
  const token = newToken();
  for (const socket of sockets) await watch(socket, [token]);
  return token;
}

export type Received = { readonly event: keyof ServerToClientEvents; readonly payload: unknown };

/** Every event the socket receives from now on, in order. */
export function record(socket: TestClient): Received[] {
  const received: Received[] = [];
  socket.onAny((event: keyof ServerToClientEvents, payload: unknown) => received.push({ event, payload }));
  return received;
}

/**
 * Resolves once everything the server sent `socket` before now has arrived: the server answers a request after
 * what it queued for the socket earlier, and one socket's packets arrive in order. A test that saw another
 * socket get an event, then settles this one, knows that an event for this one sent with it has arrived too.
 */
export async function settle(socket: TestClient): Promise<void> {
  await socket.emitWithAck('session:challenge', {});
}
