import { describe, expect, it, vi } from 'vitest';
import { MAX_COSTLY_SOCKET_EVENTS, MAX_SOCKET_EVENTS_PER_SECOND } from '../../shared/limits';
import { createIdentityKeys } from '../../extension/lib/crypto/identity';
import { newToken, record, settle, watch } from '../support/presence-tokens';
import { signIn } from '../support/identity';
import { next, useTestServer, type TestClient } from '../support/server';

const fixture = useTestServer();

/** A user signed in on a connection of their own. */
async function user(name: string, keys = createIdentityKeys()): Promise<TestClient> {
  const socket = await fixture.client();
  const started = await signIn(socket, name, keys);
  if (!started.ok) throw new Error(started.error.message);
  return socket;
}

describe('presence between contacts only', () => {
  it('answers a sign-in with the user and a peer ticket, and no list of anyone', async () => {
    await user('Alice');
    const bob = await fixture.client();
    const started = await signIn(bob, 'Bob');
    expect(started.ok && Object.keys(started.data).sort()).toEqual(['peer', 'self']);
  });

  it.each([
    ['the first', 0],
    ['the second', 1],
  ])(
    'two contacts see each other come (the first to sign in hears the second, which hears the answer) and go: %s leaves',
    async (_name, order) => {
      const token = newToken();
      const first = await user('Alice');
      await watch(first, [token]);
      const heard = next(first, 'presence:online');
      const second = await user('Bob');
      const answered = next(second, 'presence:online');
      expect(await second.emitWithAck('presence:watch', { tokens: [token], visible: true })).toEqual({
        ok: true,
        data: { tokens: 1 },
      });
      // The one already online hears the newcomer, and answers that it is there too (as the engine does).
      expect(await heard).toEqual({ token, reply: false });
      expect(await first.emitWithAck('presence:here', { token })).toEqual({ ok: true, data: {} });
      expect(await answered).toEqual({ token, reply: true });

      // Either one leaving is heard by the other.
      const [leaving, staying] = order === 0 ? [first, second] : [second, first];
      const gone = next(staying, 'presence:offline');
      leaving.close();
      expect(await gone).toEqual({ token });
    },
  );

  it('tells a user who is not a contact nothing: no event, no list entry, no answer for a token not theirs', async () => {
    const mallory = await user('Mallory');
    const seen = record(mallory);
    await watch(mallory, [newToken()]);
    const token = newToken();
    const alice = await user('Alice');
    await watch(alice, [token]);
    const bob = await user('Bob');
    const arrived = next(alice, 'presence:online');
    await watch(bob, [token]);
    await arrived;
    const left = next(alice, 'presence:offline');
    bob.close();
    await left;

    expect(await mallory.emitWithAck('presence:here', { token })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    await settle(mallory); // whatever went out with Alice's events has arrived
    expect(seen).toEqual([]);
  });

  it('appear offline: a hidden user tells nothing, answers nothing, but still hears', async () => {
    const token = newToken();
    const alice = await user('Alice');
    await watch(alice, [token]);
    const aliceSaw = record(alice);
    const bob = await user('Bob');
    await watch(bob, [token], false);
    const refused = await bob.emitWithAck('presence:here', { token });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(!refused.ok && refused.error.message).toContain('appears offline');

    // Alice comes again: hidden Bob hears her.
    const heard = next(bob, 'presence:online');
    const again = await user('Carol');
    await watch(again, [token]);
    expect(await heard).toEqual({ token, reply: false });
    bob.close();
    // Bob's session has ended on the server (Alice and Carol are left), and what it sent Alice has arrived.
    await vi.waitFor(async () => expect(await fixture.server.stores.presence.count()).toBe(2));
    await settle(alice);
    expect(aliceSaw.filter(({ payload }) => JSON.stringify(payload).includes(token))).toEqual([
      { event: 'presence:online', payload: { token, reply: false } }, // Carol, not Bob
    ]);
  });

  it('going hidden is going offline, showing again is coming online; one watch replaces the tokens before it', async () => {
    const [withBob, withCarol, withDave] = [newToken(), newToken(), newToken()];
    const alice = await user('Alice');
    await watch(alice, [withBob, withCarol]);
    const [bob, carol, dave] = [await user('Bob'), await user('Carol'), await user('Dave')];
    await watch(bob, [withBob]);
    await watch(carol, [withCarol]);
    await watch(dave, [withDave]);
    const [bobSaw, carolSaw, daveSaw] = [record(bob), record(carol), record(dave)];

    await watch(alice, [withBob, withCarol], false);
    await watch(alice, [withBob, withCarol], true);
    // Carol's token dropped, Dave's added: offline for Carol, online for Dave, nothing new for Bob.
    expect(await alice.emitWithAck('presence:watch', { tokens: [withBob, withDave], visible: true })).toEqual(
      {
        ok: true,
        data: { tokens: 2 },
      },
    );
    await Promise.all([settle(bob), settle(carol), settle(dave)]);
    expect(bobSaw).toEqual([
      { event: 'presence:offline', payload: { token: withBob } },
      { event: 'presence:online', payload: { token: withBob, reply: false } },
    ]);
    expect(carolSaw).toEqual([
      { event: 'presence:offline', payload: { token: withCarol } },
      { event: 'presence:online', payload: { token: withCarol, reply: false } },
      { event: 'presence:offline', payload: { token: withCarol } },
    ]);
    expect(daveSaw).toEqual([{ event: 'presence:online', payload: { token: withDave, reply: false } }]);
    // A dropped token cannot be answered for any more.
    expect(await alice.emitWithAck('presence:here', { token: withCarol })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('a newer session of a contact: offline for the old one first, then online for the new', async () => {
    const token = newToken();
    const keys = createIdentityKeys();
    const alice = await user('Alice');
    await watch(alice, [token]);
    const bob = await user('Bob', keys);
    await watch(bob, [token]);
    const saw = record(alice);
    const again = await user('Bob', keys);
    await watch(again, [token]);
    await settle(alice);
    expect(saw).toEqual([
      { event: 'presence:offline', payload: { token } },
      { event: 'presence:online', payload: { token, reply: false } },
    ]);
  });

  it(`counts presence:watch among the costly requests: past ${MAX_COSTLY_SOCKET_EVENTS} a window it is refused`, async () => {
    const alice = await user('Alice');
    const tokens = [newToken(), newToken()];
    // In batches under the general event rate, a second apart, so only the costly budget refuses any.
    const batch = Math.floor(MAX_SOCKET_EVENTS_PER_SECOND * 0.75);
    const codes: string[] = [];
    for (let sent = 0; sent <= MAX_COSTLY_SOCKET_EVENTS; sent += batch) {
      if (sent > 0) await new Promise((resolve) => setTimeout(resolve, 1_100));
      const count = Math.min(batch, MAX_COSTLY_SOCKET_EVENTS + 1 - sent);
      const answers = await Promise.all(
        Array.from({ length: count }, (_, index) =>
          alice.emitWithAck('presence:watch', { tokens, visible: index % 2 === 0 }),
        ),
      );
      codes.push(...answers.map((answer) => (answer.ok ? 'ok' : answer.error.code)));
    }
    expect(codes.filter((code) => code === 'ok')).toHaveLength(MAX_COSTLY_SOCKET_EVENTS);
    expect(codes.at(-1)).toBe('rate-limited');
  });

  it("refuses a name bound to someone else's key, whatever its case, even after they went offline", async () => {
    const alice = await fixture.client();
    expect((await signIn(alice, 'Alice')).ok).toBe(true);
    alice.close();
    const impostor = await fixture.client();
    const result = await signIn(impostor, 'ALICE');
    expect(result).toMatchObject({ ok: false, error: { code: 'name-taken' } });
    expect(result.ok || result.error.message).toContain('choose another name');
  });

  it('lets the owner of a key change name, which frees the old one', async () => {
    const keys = createIdentityKeys();
    const first = await fixture.client();
    await signIn(first, 'Dana', keys);
    first.close();
    const again = await fixture.client();
    expect((await signIn(again, 'Danielle', keys)).ok).toBe(true);
    const other = await fixture.client();
    expect((await signIn(other, 'Dana')).ok).toBe(true);
  });

  it('lets a returning user replace their stale session, which is disconnected', async () => {
    const keys = createIdentityKeys();
    const first = await fixture.client();
    await signIn(first, 'Carol', keys);
    const dropped = new Promise((resolve) => first.once('disconnect', resolve));
    const second = await fixture.client();
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
