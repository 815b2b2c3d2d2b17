import { decodeBytes } from '../../shared/crypto/identity';
import type { Result } from '../../shared/errors';
import type { SessionStarted } from '../../shared/protocol/socket';
import {
  createIdentityKeys,
  publicIdentity,
  signSessionChallenge,
  type IdentityKeys,
} from '../../extension/lib/crypto/identity';
import type { TestClient } from './server';

/** The origin of the server `socket` connected to, as the engine signs it (`new URL(serverUrl).origin`). */
export function originOf(socket: TestClient): string {
  // socket.io-client keeps the URL it connected to in its Manager, typed private.
  return new URL((socket.io as unknown as { uri: string }).uri).origin;
}

/**
 * Starts a session the way the engine does: ask for a challenge, sign it (with the server's origin) with the
 * identity key. `origin` stands in for the server the client believes it is talking to.
 */
export async function signIn(
  socket: TestClient,
  name: string,
  keys: IdentityKeys = createIdentityKeys(),
  origin: string = originOf(socket),
): Promise<Result<SessionStarted>> {
  const challenge = await socket.emitWithAck('session:challenge', {});
  if (!challenge.ok) return challenge;
  return socket.emitWithAck('session:start', {
    identity: publicIdentity(keys),
    origin,
    name,
    challenge: challenge.data.challenge,
    signature: signSessionChallenge(keys, {
      origin,
      challenge: decodeBytes(challenge.data.challenge),
      name,
    }),
  });
}
