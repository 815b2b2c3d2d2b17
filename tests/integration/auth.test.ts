import { describe, expect, it } from 'vitest';
import { decodeBytes, encodeBytes } from '../../shared/crypto/identity';
import type { SessionStart } from '../../shared/protocol/socket';
import {
  createIdentityKeys,
  publicIdentity,
  signSessionChallenge,
  type IdentityKeys,
} from '../../extension/lib/crypto/identity';
import { signIn } from '../support/identity';
import { openPeerjsSocket } from '../support/peerjs-socket';
import { useTestServer, type TestClient } from '../support/server';

const fixture = useTestServer();
const client = (): Promise<TestClient> => fixture.client();

/** A correctly signed session:start for `socket`'s current challenge, as the engine would send it. */
async function signedStart(socket: TestClient, keys: IdentityKeys, name: string): Promise<SessionStart> {
  const challenge = await socket.emitWithAck('session:challenge', {});
  if (!challenge.ok) throw new Error(challenge.error.message);
  const nonce = decodeBytes(challenge.data.challenge);
  return {
    identity: publicIdentity(keys),
    name,
    challenge: challenge.data.challenge,
    signature: signSessionChallenge(keys, nonce, name),
  };
}

describe('authentication by identity key', () => {
  it('refuses a session without a challenge', async () => {
    const socket = await client();
    const keys = createIdentityKeys();
    const start = await signedStart(await client(), keys, 'Alice'); // challenge issued to another connection
    const result = await socket.emitWithAck('session:start', start);
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(result.ok || result.error.message).toContain('session:challenge');
  });

  it('refuses a replayed answer: on another connection, and on the same one after a failed try', async () => {
    const keys = createIdentityKeys();
    const victim = await client();
    const captured = await signedStart(victim, keys, 'Alice');

    const attacker = await client();
    await attacker.emitWithAck('session:challenge', {});
    const replayed = await attacker.emitWithAck('session:start', captured);
    expect(replayed).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });

    // The victim's challenge is single use: a failed attempt spends it too.
    const tampered = await victim.emitWithAck('session:start', { ...captured, name: 'Mallory' });
    expect(tampered).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const again = await victim.emitWithAck('session:start', captured);
    expect(again).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it("refuses someone claiming another user's identity key without its secret", async () => {
    const alice = createIdentityKeys();
    const mallory = createIdentityKeys();
    const socket = await client();
    const start = await signedStart(socket, mallory, 'Alice');
    const result = await socket.emitWithAck('session:start', { ...start, identity: publicIdentity(alice) });
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('refuses an identity whose exchange key its signing key did not vouch for', async () => {
    const keys = createIdentityKeys();
    const socket = await client();
    const start = await signedStart(socket, keys, 'Alice');
    const foreign = publicIdentity(createIdentityKeys()).exchangeKey;
    const result = await socket.emitWithAck('session:start', {
      ...start,
      identity: { ...start.identity, exchangeKey: foreign },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('refuses a name registered to another key, and lets its owner back in', async () => {
    const alice = createIdentityKeys();
    expect((await signIn(await client(), 'Alice', alice)).ok).toBe(true);
    const impostor = await signIn(await client(), 'alice');
    expect(impostor).toMatchObject({ ok: false, error: { code: 'name-taken' } });
    expect((await signIn(await client(), 'Alice', alice)).ok).toBe(true);
  });

  it('binds the peer id to the key: a ticket opens the PeerJS socket only for the id derived from it', async () => {
    const alice = await signIn(await client(), 'Alice');
    const bob = await signIn(await client(), 'Bob');
    if (!alice.ok || !bob.ok) throw new Error('sign-in failed');
    const stolen = await openPeerjsSocket(fixture.server.url, bob.data.self.userId, alice.data.peer.ticket);
    expect(await stolen.nextFrame()).toMatchObject({ type: 'ERROR' });
    const own = await openPeerjsSocket(fixture.server.url, alice.data.self.userId, alice.data.peer.ticket);
    expect(await own.nextFrame()).toEqual({ type: 'OPEN' });
    own.ws.close();
  });

  it('refuses a garbled signature with a clear error', async () => {
    const socket = await client();
    const start = await signedStart(socket, createIdentityKeys(), 'Alice');
    const result = await socket.emitWithAck('session:start', {
      ...start,
      signature: encodeBytes(new Uint8Array(64)),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(result.ok || result.error.message).toContain('signature');
  });
});
