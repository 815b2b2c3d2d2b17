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

/** Starts a session the way the engine does: ask for a challenge, sign it with the identity key. */
export async function signIn(
  socket: TestClient,
  name: string,
  keys: IdentityKeys = createIdentityKeys(),
): Promise<Result<SessionStarted>> {
  const challenge = await socket.emitWithAck('session:challenge', {});
  if (!challenge.ok) return challenge;
  return socket.emitWithAck('session:start', {
    identity: publicIdentity(keys),
    name,
    challenge: challenge.data.challenge,
    signature: signSessionChallenge(keys, decodeBytes(challenge.data.challenge), name),
  });
}
