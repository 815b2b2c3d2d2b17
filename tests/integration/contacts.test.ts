/**
 * What the server keeps of contacts besides presence (presence.test.ts) and signaling (peerjs-endpoint.test.ts):
 * blocks, which refuse a blocked sender's mail; lookups by exact name, rate-limited; the page an invite link opens.
 */
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { encodeBytes, signedPrekeyStatement } from '../../shared/crypto/identity';
import type { Result } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import { MAX_SOCKET_EVENTS_PER_SECOND, MAX_USER_LOOKUPS_PER_MINUTE } from '../../shared/limits';
import type { PrekeysPublish } from '../../shared/protocol/prekeys';
import {
  createIdentityKeys,
  publicIdentity,
  userIdOfKeys,
  type IdentityKeys,
} from '../../extension/lib/crypto/identity';
import { sealedMessage } from '../fuzz/examples';
import { signIn } from '../support/identity';
import { next, useTestServer, type TestClient } from '../support/server';

const fixture = useTestServer();

interface Person {
  readonly socket: TestClient;
  readonly keys: IdentityKeys;
  readonly userId: string;
}

const data = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
};

async function person(name: string, keys = createIdentityKeys()): Promise<Person> {
  const socket = await fixture.client();
  data(await signIn(socket, name, keys));
  return { socket, keys, userId: userIdOfKeys(keys) };
}

function prekeys(keys: IdentityKeys): PrekeysPublish {
  const signed = nacl.box.keyPair().publicKey;
  return {
    signedPrekey: {
      id: 1,
      key: encodeBytes(signed),
      signature: encodeBytes(nacl.sign.detached(signedPrekeyStatement(signed), keys.signing.secretKey)),
    },
    oneTimePrekeys: [],
  };
}

const send = (from: Person, to: Person) =>
  from.socket.emitWithAck('mail:send', { to: to.userId, id: randomId(), message: sealedMessage() });

describe('blocks', () => {
  it("drop a blocked sender's mail, answered as if taken, and store none of it; unblocking lets it through", async () => {
    const [alice, bob, carol] = [await person('Alice'), await person('Bob'), await person('Carol')];
    expect(await bob.socket.emitWithAck('block:set', { userId: alice.userId, blocked: true })).toEqual({
      ok: true,
      data: { blocked: 1 },
    });
    // Answered as if taken, so Alice cannot tell she is blocked; none of it is kept for Bob.
    expect(data(await send(alice, bob))).toMatchObject({ mailId: expect.any(String) as string });
    data(await send(carol, bob)); // others' mail still goes
    expect(data(await send(bob, alice))).toMatchObject({ mailId: expect.any(String) as string }); // one way only
    const held = data(await bob.socket.emitWithAck('mail:fetch', {})).items;
    expect(held.map((item) => item.from)).toEqual([carol.userId]);

    expect(await bob.socket.emitWithAck('block:set', { userId: alice.userId, blocked: false })).toEqual({
      ok: true,
      data: { blocked: 0 },
    });
    const pushed = next(bob.socket, 'mail:new');
    data(await send(alice, bob));
    expect((await pushed).from).toBe(alice.userId);
  });

  it('count per blocker, and refuse blocking oneself', async () => {
    const alice = await person('Alice');
    for (const [index, userId] of [randomId(), randomId()].entries())
      expect(await alice.socket.emitWithAck('block:set', { userId, blocked: true })).toEqual({
        ok: true,
        data: { blocked: index + 1 },
      });
    expect(
      await alice.socket.emitWithAck('block:set', { userId: alice.userId, blocked: true }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
  });
});

describe('user:lookup', () => {
  it('finds the one user bound to that exact name (case aside), with the key they published; nothing else', async () => {
    const alice = await person('Alice Liddell');
    data(await alice.socket.emitWithAck('prekeys:publish', prekeys(alice.keys)));
    const bob = await person('Bob');
    expect(await bob.socket.emitWithAck('user:lookup', { name: 'alice liddell' })).toEqual({
      ok: true,
      data: {
        user: {
          userId: alice.userId,
          name: 'alice liddell',
          signingKey: publicIdentity(alice.keys).signingKey,
        },
      },
    });
    for (const name of ['Alice', 'Alice Lidde', 'Alice Liddell2', 'Nobody'])
      expect(await bob.socket.emitWithAck('user:lookup', { name })).toMatchObject({
        ok: false,
        error: { code: 'not-found' },
      });
  });

  it('says so when the user bound to the name has published no keys yet', async () => {
    await person('Carol');
    const bob = await person('Bob');
    const answer = await bob.socket.emitWithAck('user:lookup', { name: 'Carol' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(!answer.ok && answer.error.message).toContain('has not published their keys');
  });

  it('needs a session', async () => {
    const stranger = await fixture.client();
    expect(await stranger.emitWithAck('user:lookup', { name: 'Alice' })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
  });

  it(`allows ${MAX_USER_LOOKUPS_PER_MINUTE} lookups a minute per user, then says rate-limited, also on a new connection`, async () => {
    const bob = await person('Bob');
    expect(MAX_USER_LOOKUPS_PER_MINUTE).toBeLessThan(MAX_SOCKET_EVENTS_PER_SECOND); // only this budget refuses
    const answers = await Promise.all(
      Array.from({ length: MAX_USER_LOOKUPS_PER_MINUTE + 1 }, (_, index) =>
        bob.socket.emitWithAck('user:lookup', { name: `Nobody ${index}` }),
      ),
    );
    const codes = answers.map((answer) => (answer.ok ? 'ok' : answer.error.code));
    expect(codes.filter((code) => code === 'not-found')).toHaveLength(MAX_USER_LOOKUPS_PER_MINUTE);
    const last = answers.at(-1);
    expect(last).toMatchObject({ ok: false, error: { code: 'rate-limited' } });
    expect(last && !last.ok && last.error.message).toContain('wait a minute');
    // Reconnecting buys no more guesses.
    const again = await fixture.client();
    data(await signIn(again, 'Bob', bob.keys));
    expect(await again.emitWithAck('user:lookup', { name: 'Nobody else' })).toMatchObject({
      ok: false,
      error: { code: 'rate-limited' },
    });
  });
});

describe('GET /invite', () => {
  it('is a fixed page telling how to use the link, with no script and a CSP that loads nothing', async () => {
    const plain = await fetch(`${fixture.server.url}/invite`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(plain.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    const page = await plain.text();
    expect(page).toContain('Contacts');
    expect(page).toContain('Add');
    expect(page).not.toMatch(/<script|<style|<link|<img|<iframe|\son\w+=/i);

    // Nothing of the request comes back: a query, headers, a cookie change nothing.
    const marker = `m${randomId()}`;
    const tampered = await fetch(`${fixture.server.url}/invite?name=<b>${marker}</b>&${marker}=1`, {
      headers: {
        'X-Forwarded-Host': `${marker}.example`,
        Cookie: `${marker}=1`,
        Referer: `https://${marker}/`,
      },
    });
    expect(await tampered.text()).toBe(page);
  });
});
