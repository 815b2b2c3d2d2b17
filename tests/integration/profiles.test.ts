/**
 * Profiles on the server: sealed by the client under a key the server never sees, stored as ciphertext only,
 * versions only going up, sizes capped, fetched by any signed-in user (useless without the key). What the server
 * keeps is read straight from its storage (the SQLite file, and Redis when installed).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeBytes } from '../../shared/crypto/identity';
import type { Result } from '../../shared/errors';
import { MAX_SEALED_PROFILE_LENGTH } from '../../shared/limits';
import type { ProfileCard } from '../../shared/protocol/profile';
import { newProfileKey, openProfile, sealProfile } from '../../extension/lib/crypto/profile-seal';
import { signIn } from '../support/identity';
import { redisAvailable, startRedis, type TestRedis } from '../support/redis';
import { dumpableDeployments, type Deployment } from '../support/store-dumps';
import { connect, type TestClient, type TestServer } from '../support/server';

const withRedis = redisAvailable();
let redis: TestRedis | undefined;
beforeAll(async () => {
  if (withRedis) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const deployments = dumpableDeployments(withRedis, () => redis);

const data = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
};

const sockets: TestClient[] = [];
async function person(server: TestServer, name: string): Promise<{ socket: TestClient; userId: string }> {
  const socket = await connect(server.url);
  sockets.push(socket);
  return { socket, userId: data(await signIn(socket, name)).self.userId };
}

const CARD: ProfileCard = {
  v: 1,
  displayName: 'Ana Lima, climber',
  bio: 'Bouldering every Sunday at Fontainebleau',
  avatar: { type: 'image/webp', data: encodeBytes(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 pixels')) },
};

describe.each(deployments)('%s: profiles', (_name, deploy) => {
  let deployment: Deployment | undefined;
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await deployment?.close();
    deployment = undefined;
  });

  it('stores ciphertext only: no display name or bio in its storage, and the sealed blob does not hold them', async () => {
    deployment = await deploy();
    const alice = await person(deployment.server, 'Alice');
    const bob = await person(deployment.server, 'Bob');
    const key = newProfileKey();
    const sealed = sealProfile(key, alice.userId, 1, CARD);
    expect(data(await alice.socket.emitWithAck('profile:put', { version: 1, sealed }))).toEqual({
      version: 1,
    });

    const dump = await deployment.dump();
    expect(dump).toContain(sealed); // it is there, as ciphertext
    const plaintexts = [
      CARD.displayName,
      CARD.bio,
      'Ana Lima',
      'Fontainebleau',
      CARD.avatar?.data ?? '',
      key,
    ];
    for (const text of plaintexts) {
      expect(dump).not.toContain(text);
      expect(dump).not.toContain(encodeBytes(new TextEncoder().encode(text)));
    }
    // Any signed-in user gets the ciphertext; only the key opens it, as Alice's version 1.
    const fetched = data(await bob.socket.emitWithAck('profile:get', { userId: alice.userId }));
    expect(fetched).toEqual({ version: 1, sealed });
    expect(openProfile(key, alice.userId, fetched.version, fetched.sealed)).toEqual(CARD);
    expect(() => openProfile(newProfileKey(), alice.userId, 1, fetched.sealed)).toThrow(/does not open/);
  });

  it('takes only versions above the one held; an older or equal one is refused and changes nothing', async () => {
    deployment = await deploy();
    const alice = await person(deployment.server, 'Alice');
    const key = newProfileKey();
    const put = (version: number) =>
      alice.socket.emitWithAck('profile:put', {
        version,
        sealed: sealProfile(key, alice.userId, version, CARD),
      });
    expect(await put(2)).toEqual({ ok: true, data: { version: 2 } });
    for (const stale of [2, 1]) {
      const refused = await put(stale);
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
      expect(!refused.ok && refused.error.message).toContain('version 2');
    }
    expect(await put(5)).toEqual({ ok: true, data: { version: 5 } });
    expect(data(await alice.socket.emitWithAck('profile:get', { userId: alice.userId })).version).toBe(5);
  });

  it('refuses a sealed profile past its size or not base64url, and any profile request without a session', async () => {
    deployment = await deploy();
    const alice = await person(deployment.server, 'Alice');
    for (const sealed of ['A'.repeat(MAX_SEALED_PROFILE_LENGTH + 1), 'not base64url!', ''])
      expect(await alice.socket.emitWithAck('profile:put', { version: 1, sealed })).toMatchObject({
        ok: false,
        error: { code: 'invalid-payload' },
      });
    expect(await alice.socket.emitWithAck('profile:put', { version: 0, sealed: 'AAAA' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(
      data(
        await alice.socket.emitWithAck('profile:put', {
          version: 1,
          sealed: 'A'.repeat(MAX_SEALED_PROFILE_LENGTH),
        }),
      ),
    ).toEqual({ version: 1 });
    expect(await alice.socket.emitWithAck('profile:get', { userId: '0'.repeat(32) })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    const stranger = await connect(deployment.server.url);
    sockets.push(stranger);
    expect(await stranger.emitWithAck('profile:get', { userId: alice.userId })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
  });
});
