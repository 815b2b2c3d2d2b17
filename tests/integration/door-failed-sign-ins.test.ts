import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeBytes } from '../../shared/crypto/identity';
import { ErrorCode, type Result } from '../../shared/errors';
import type { SessionStarted } from '../../shared/protocol/socket';
import type * as Ed25519 from '../../signal-server/src/crypto/ed25519';
import {
  createIdentityKeys,
  publicIdentity,
  signSessionChallenge,
} from '../../extension/lib/crypto/identity';
import { doorClients } from '../support/door-clients';
import { originOf, signIn } from '../support/identity';
import { startTestServer, type TestClient, type TestServer } from '../support/server';
import { TEST_DOOR_CONFIG } from '../support/stores';

/** Every signature the server verifies is counted: a refusal that costs no verification leaves it unchanged. */
const verifier = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../signal-server/src/crypto/ed25519', async (importOriginal) => {
  const actual = await importOriginal<typeof Ed25519>();
  const counted: typeof actual.verifyEd25519Native = (message, signature, publicKey) => {
    verifier.calls += 1;
    return actual.verifyEd25519Native(message, signature, publicKey);
  };
  return { ...actual, verifyEd25519Native: counted };
});

let server: TestServer;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server.close();
});

const start = async (failedSignInsPerIpPerMinute: number): Promise<void> => {
  server = await startTestServer({ door: { ...TEST_DOOR_CONFIG, failedSignInsPerIpPerMinute } });
};

const { clientFrom } = doorClients(() => server.url, cleanups);

/** A session:start presenting a fresh identity but signed with another key: it fails only at verification. */
async function forgedSignIn(socket: TestClient): Promise<Result<SessionStarted>> {
  const challenge = await socket.emitWithAck('session:challenge', {});
  if (!challenge.ok) return challenge;
  const origin = originOf(socket);
  const name = 'forger';
  return socket.emitWithAck('session:start', {
    identity: publicIdentity(createIdentityKeys()),
    origin,
    name,
    challenge: challenge.data.challenge,
    signature: signSessionChallenge(createIdentityKeys(), {
      origin,
      challenge: decodeBytes(challenge.data.challenge),
      name,
    }),
  });
}

const codeOf = (result: Result<unknown>): string | undefined => (result.ok ? undefined : result.error.code);

/** The reason `socket` is disconnected for, or 'still connected' if that does not happen within `ms`. */
function disconnection(socket: TestClient, ms = 3_000): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still connected'), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

describe('failed sign-ins per address', () => {
  const PER_MINUTE = 2; // one token back every 30 s: far longer than the test takes

  it('past its budget, refuses every sign-in from the address without verifying it; other addresses sign in', async () => {
    await start(PER_MINUTE);
    const veteran = createIdentityKeys();
    expect((await signIn(await clientFrom(), 'veteran', veteran)).ok).toBe(true); // a success spends nothing

    for (let attempt = 0; attempt < PER_MINUTE; attempt++)
      expect(codeOf(await forgedSignIn(await clientFrom()))).toBe(ErrorCode.Unauthenticated);

    const verifiedBefore = verifier.calls;
    const refused = await forgedSignIn(await clientFrom());
    expect(codeOf(refused)).toBe(ErrorCode.RateLimited);
    expect(refused.ok || refused.error.message).toContain(
      `too many sign-ins from your address failed verification (at most ${PER_MINUTE} a minute)`,
    );
    // The whole address waits, a correct answer from a known key too (the trade-off session.ts explains).
    const known = await signIn(await clientFrom(), 'veteran', veteran);
    expect(codeOf(known)).toBe(ErrorCode.RateLimited);
    expect(verifier.calls).toBe(verifiedBefore); // neither cost a verification

    // Another address has its own budget.
    expect((await signIn(await clientFrom('127.0.0.2'), 'elsewhere')).ok).toBe(true);
    expect(verifier.calls).toBeGreaterThan(verifiedBefore);
  });

  it('closes a connection once it has answered a sign-in that failed verification, not one refused cheaply', async () => {
    await start(100);
    const socket = await clientFrom();
    const closed = disconnection(socket);

    // A wrong origin is refused before any verification: the connection stays, and may try again.
    const elsewhere = await signIn(socket, 'Alice', createIdentityKeys(), 'https://m.example');
    expect(codeOf(elsewhere)).toBe(ErrorCode.Unauthenticated);
    expect(socket.connected).toBe(true);

    // A forged answer gets its answer, then the server closes the connection (no automatic reconnection).
    const forged = await forgedSignIn(socket);
    expect(codeOf(forged)).toBe(ErrorCode.Unauthenticated);
    expect(forged.ok || forged.error.message).toContain('signature does not match');
    expect(await closed).toBe('io server disconnect');

    // A real client that failed reconnects and signs in.
    expect((await signIn(await clientFrom(), 'Alice')).ok).toBe(true);
  });
});
