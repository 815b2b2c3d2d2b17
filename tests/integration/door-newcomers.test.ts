import { afterEach, describe, expect, it } from 'vitest';
import { decodeBytes } from '../../shared/crypto/identity';
import { ErrorCode } from '../../shared/errors';
import type { DoorConfig } from '../../signal-server/src/config';
import {
  createIdentityKeys,
  publicIdentity,
  signSessionChallenge,
} from '../../extension/lib/crypto/identity';
import { doorClients, PEERJS, SOCKET_IO } from '../support/door-clients';
import { originOf, signIn } from '../support/identity';
import { startTestServer, type TestServer } from '../support/server';
import { TEST_DOOR_CONFIG } from '../support/stores';

let server: TestServer;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server.close();
});

const start = async (door: Partial<DoorConfig>): Promise<void> => {
  server = await startTestServer({ door: { ...TEST_DOOR_CONFIG, ...door } });
};

const { clientFrom, upgrade } = doorClients(() => server.url, cleanups);

/** Signs in a new identity from `localAddress` on a fresh connection; the server's answer. */
const newIdentityFrom = async (localAddress: string, name: string) =>
  signIn(await clientFrom(localAddress), name);

describe('new identities per address', () => {
  const PER_HOUR = 3;

  it('refuses the next new identity from an address past its budget, not known ones nor other addresses', async () => {
    await start({ newIdentitiesPerIpPerHour: PER_HOUR });
    const veteran = createIdentityKeys();
    expect((await signIn(await clientFrom(), 'veteran', veteran)).ok).toBe(true); // new: 1 of 3
    expect((await newIdentityFrom('127.0.0.1', 'second')).ok).toBe(true);
    expect((await newIdentityFrom('127.0.0.1', 'third')).ok).toBe(true);

    const refused = await newIdentityFrom('127.0.0.1', 'fourth');
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe(ErrorCode.RateLimited);
    expect(refused.error.message).toContain('your address has brought 3 new identities within the hour');
    expect(refused.error.message).toContain('sign in with an identity this server already knows');
    expect(await server.stores.accounts.lookup('fourth')).toBeUndefined(); // nothing was kept for it

    // A key the server knows signs in from the same address as before; another address has its own budget.
    expect((await signIn(await clientFrom(), 'veteran', veteran)).ok).toBe(true);
    expect((await newIdentityFrom('127.0.0.2', 'elsewhere')).ok).toBe(true);
  });

  it('counts only sign-ins that prove their key: forged answers and refused names spend nothing', async () => {
    await start({ newIdentitiesPerIpPerHour: PER_HOUR });
    expect((await newIdentityFrom('127.0.0.1', 'taken')).ok).toBe(true); // 1 of 3

    // Answers signed with another key than the one they present, each a key the server has never seen.
    for (let attempt = 0; attempt < 2 * PER_HOUR; attempt++) {
      const socket = await clientFrom();
      const claimed = createIdentityKeys();
      const signer = createIdentityKeys();
      const origin = originOf(socket);
      const challenge = await socket.emitWithAck('session:challenge', {});
      if (!challenge.ok) throw new Error(challenge.error.message);
      const name = `forged${attempt}`;
      const forged = await socket.emitWithAck('session:start', {
        identity: publicIdentity(claimed),
        origin,
        name,
        challenge: challenge.data.challenge,
        signature: signSessionChallenge(signer, {
          origin,
          challenge: decodeBytes(challenge.data.challenge),
          name,
        }),
      });
      expect(forged.ok ? undefined : forged.error.code).toBe(ErrorCode.Unauthenticated);
    }
    // New keys asking for a name another key holds: refused as taken, not counted.
    for (let attempt = 0; attempt < 2 * PER_HOUR; attempt++) {
      const taken = await newIdentityFrom('127.0.0.1', 'taken');
      expect(taken.ok ? undefined : taken.error.code).toBe(ErrorCode.NameTaken);
    }

    expect((await newIdentityFrom('127.0.0.1', 'second')).ok).toBe(true);
    expect((await newIdentityFrom('127.0.0.1', 'third')).ok).toBe(true);
    const fourth = await newIdentityFrom('127.0.0.1', 'fourth');
    expect(fourth.ok ? undefined : fourth.error.code).toBe(ErrorCode.RateLimited);
  });
});

describe('new connections per address', () => {
  it('refuses handshakes past the opening rate with a clear error, and serves other addresses', async () => {
    // One a second: of ten opened at once, all but about one per second elapsed must be refused.
    await start({ newConnectionsPerIpPerSecond: 1 });
    const attempts = await Promise.all([
      ...Array.from({ length: 5 }, () => upgrade(SOCKET_IO)),
      ...Array.from({ length: 5 }, () => upgrade(PEERJS)),
    ]);
    const refusedIo = attempts.slice(0, 5).filter(({ status }) => status !== 101);
    const refusedPeer = attempts.slice(5).filter(({ status }) => status !== 101);
    expect(refusedIo.length).toBeGreaterThan(0);
    expect(refusedPeer.length).toBeGreaterThan(0);
    for (const { status, body } of refusedIo) {
      expect(status).toBe(400); // engine.io's refusal status; the body says why
      expect(body).toContain('Too many new connections from your address (at most 1 a second)');
    }
    for (const { status, body } of refusedPeer) {
      expect(status).toBe(429);
      expect(body).toContain('Too many new connections from your address (at most 1 a second)');
    }

    // Another address opens its own, and signs in.
    expect((await upgrade(SOCKET_IO, '127.0.0.2')).status).toBe(101);
    expect((await newIdentityFrom('127.0.0.3', 'elsewhere')).ok).toBe(true);
  });
});
