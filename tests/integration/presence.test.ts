import { describe, expect, it } from 'vitest';
import { createIdentityKeys, publicIdentity, userIdOfKeys } from '../../extension/lib/crypto/identity';
import { signIn } from '../support/identity';
import { next, useTestServer, type TestClient } from '../support/server';

const fixture = useTestServer();
const client = (): Promise<TestClient> => fixture.client();
const asUser = (keys: ReturnType<typeof createIdentityKeys>, name: string) => ({
  userId: userIdOfKeys(keys),
  name,
  signingKey: publicIdentity(keys).signingKey,
});

describe('presence', () => {
  it('shows each user to the others and announces arrivals and departures', async () => {
    const alice = await client();
    const aliceKeys = createIdentityKeys();
    const started = await signIn(alice, 'Alice', aliceKeys);
    expect(started).toMatchObject({ ok: true, data: { self: asUser(aliceKeys, 'Alice'), online: [] } });

    const bob = await client();
    const bobKeys = createIdentityKeys();
    const arrival = next(alice, 'presence:online');
    const bobStarted = await signIn(bob, 'Bob', bobKeys);
    expect(bobStarted.ok && bobStarted.data.online).toEqual([asUser(aliceKeys, 'Alice')]);
    expect(await arrival).toEqual(asUser(bobKeys, 'Bob'));

    const departure = next(alice, 'presence:offline');
    bob.close();
    expect(await departure).toEqual({ userId: userIdOfKeys(bobKeys) });
  });

  it("refuses a name bound to someone else's key, whatever its case, even after they went offline", async () => {
    const alice = await client();
    expect((await signIn(alice, 'Alice')).ok).toBe(true);
    alice.close();
    const impostor = await client();
    const result = await signIn(impostor, 'ALICE');
    expect(result).toMatchObject({ ok: false, error: { code: 'name-taken' } });
    expect(result.ok || result.error.message).toContain('choose another name');
  });

  it('lets the owner of a key change name, which frees the old one', async () => {
    const keys = createIdentityKeys();
    const first = await client();
    await signIn(first, 'Dana', keys);
    first.close();
    const again = await client();
    expect((await signIn(again, 'Danielle', keys)).ok).toBe(true);
    const other = await client();
    expect((await signIn(other, 'Dana')).ok).toBe(true);
  });

  it('lets a returning user replace their stale session, which is disconnected', async () => {
    const keys = createIdentityKeys();
    const first = await client();
    await signIn(first, 'Carol', keys);
    const dropped = new Promise((resolve) => first.once('disconnect', resolve));
    const second = await client();
    const result = await signIn(second, 'Carol', keys);
    expect(result.ok).toBe(true);
    await dropped;
    const health = (await (await fetch(`${fixture.server.url}/health`)).json()) as { online: number };
    expect(health.online).toBe(1);
  });

  it('reports health with the number of users online', async () => {
    const response = await fetch(`${fixture.server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', online: 0 });
  });
});
