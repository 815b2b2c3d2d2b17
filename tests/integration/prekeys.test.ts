import nacl from 'tweetnacl';
import { describe, expect, it, vi } from 'vitest';
import { encodeBytes, signedPrekeyStatement } from '../../shared/crypto/identity';
import {
  MAX_ONE_TIME_PREKEYS_HANDED_OUT_PER_OWNER,
  MAX_ONE_TIME_PREKEYS_PER_UPLOAD,
  MAX_PREKEY_CLAIMS_PER_TARGET,
  ONE_TIME_PREKEYS_LOW_WATER,
  PREKEY_CLAIM_WINDOW_MS,
} from '../../shared/limits';
import type { PrekeysPublish } from '../../shared/protocol/prekeys';
import {
  createIdentityKeys,
  publicIdentity,
  userIdOfKeys,
  type IdentityKeys,
} from '../../extension/lib/crypto/identity';
import { signIn } from '../support/identity';
import { next, useTestServer } from '../support/server';

const fixture = useTestServer();

function prekeys(keys: IdentityKeys, oneTimeIds: number[], signer: IdentityKeys = keys): PrekeysPublish {
  const signed = nacl.box.keyPair().publicKey;
  return {
    signedPrekey: {
      id: 1,
      key: encodeBytes(signed),
      signature: encodeBytes(nacl.sign.detached(signedPrekeyStatement(signed), signer.signing.secretKey)),
    },
    oneTimePrekeys: oneTimeIds.map((id) => ({ id, key: encodeBytes(nacl.box.keyPair().publicKey) })),
  };
}

describe('prekeys on the server', () => {
  it('hands out a published bundle, each one-time prekey once, then bundles without one', async () => {
    const bobKeys = createIdentityKeys();
    const bob = await fixture.client();
    expect((await signIn(bob, 'Bob', bobKeys)).ok).toBe(true);
    const published = await bob.emitWithAck('prekeys:publish', prekeys(bobKeys, [10, 11]));
    expect(published).toEqual({ ok: true, data: { oneTimePrekeys: 2 } });

    const alice = await fixture.client();
    await signIn(alice, 'Alice');
    const claims = [];
    for (let i = 0; i < 3; i++)
      claims.push(await alice.emitWithAck('prekeys:claim', { userId: userIdOfKeys(bobKeys) }));
    expect(claims.map((claim) => claim.ok && claim.data.oneTimePrekey?.id)).toEqual([10, 11, undefined]);
    expect(claims[0]).toMatchObject({ ok: true, data: { identity: publicIdentity(bobKeys) } });
  });

  it('refuses a signed prekey signed by another key, a claim before signing in, and unknown users', async () => {
    const keys = createIdentityKeys();
    const socket = await fixture.client();
    expect(await socket.emitWithAck('prekeys:claim', { userId: userIdOfKeys(keys) })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    await signIn(socket, 'Carol', keys);
    const forged = await socket.emitWithAck('prekeys:publish', prekeys(keys, [1], createIdentityKeys()));
    expect(forged).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(forged.ok || forged.error.message).toContain('not signed');
    expect(
      await socket.emitWithAck('prekeys:claim', { userId: userIdOfKeys(createIdentityKeys()) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    const tooMany = prekeys(
      keys,
      Array.from({ length: MAX_ONE_TIME_PREKEYS_PER_UPLOAD + 1 }, (_, i) => i),
    );
    expect(await socket.emitWithAck('prekeys:publish', tooMany)).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
  });
});

describe('prekey claims per claimer', () => {
  it('gives a claimer one-time prekeys of one user at most 5 times an hour, and tells the owner when they run low', async () => {
    const bobKeys = createIdentityKeys();
    const bob = await fixture.client();
    await signIn(bob, 'Bob', bobKeys);
    const held = MAX_PREKEY_CLAIMS_PER_TARGET + ONE_TIME_PREKEYS_LOW_WATER;
    const ids = Array.from({ length: held }, (_, i) => i);
    expect(await bob.emitWithAck('prekeys:publish', prekeys(bobKeys, ids))).toEqual({
      ok: true,
      data: { oneTimePrekeys: held },
    });
    const lows: number[] = [];
    bob.on('prekeys:low', ({ remaining }) => lows.push(remaining));

    const mallory = await fixture.client();
    await signIn(mallory, 'Mallory');
    const claim = async (claimer: typeof mallory) => {
      const bundle = await claimer.emitWithAck('prekeys:claim', { userId: userIdOfKeys(bobKeys) });
      expect(bundle).toMatchObject({ ok: true, data: { identity: publicIdentity(bobKeys) } });
      return bundle.ok ? bundle.data.oneTimePrekey?.id : 'refused';
    };
    const claimed = [];
    for (let i = 0; i <= MAX_PREKEY_CLAIMS_PER_TARGET; i++) claimed.push(await claim(mallory));
    // The 6th claim within the hour: a bundle still (X3DH works without one), but no one-time prekey.
    expect(claimed).toEqual([...ids.slice(0, MAX_PREKEY_CLAIMS_PER_TARGET), undefined]);
    expect(lows).toEqual([]); // 30 left: not below the low water mark yet

    const alice = await fixture.client();
    await signIn(alice, 'Alice');
    const pushed = next(bob, 'prekeys:low');
    expect(await claim(alice)).toBe(MAX_PREKEY_CLAIMS_PER_TARGET);
    expect(await pushed).toEqual({ remaining: ONE_TIME_PREKEYS_LOW_WATER - 1 });
  });
});

describe('prekey claims of one user, by anyone', () => {
  it("hands out at most MAX_ONE_TIME_PREKEYS_HANDED_OUT_PER_OWNER of a user's one-time prekeys an hour to many claimers, and tells the owner once", async () => {
    // The owner's window is a fixed hour from the epoch: the clock is moved to just after an hour begins, so that
    // the claims below cannot straddle two windows.
    const realNow = Date.now.bind(Date);
    const shift = (realNow() % PREKEY_CLAIM_WINDOW_MS) - 500;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() - shift);
    try {
      const hour = () => Math.floor(Date.now() / PREKEY_CLAIM_WINDOW_MS);
      const firstHour = hour();
      const bobKeys = createIdentityKeys();
      const bob = await fixture.client();
      await signIn(bob, 'Bob', bobKeys);
      // Enough that every claim below could take one, and 5 above the low water mark.
      const held = MAX_ONE_TIME_PREKEYS_HANDED_OUT_PER_OWNER + ONE_TIME_PREKEYS_LOW_WATER - 5;
      const ids = Array.from({ length: held }, (_, i) => i);
      expect(await bob.emitWithAck('prekeys:publish', prekeys(bobKeys, ids))).toMatchObject({ ok: true });
      const lows: number[] = [];
      bob.on('prekeys:low', ({ remaining }) => lows.push(remaining));

      // Throwaway claimers, each within its own limit of MAX_PREKEY_CLAIMS_PER_TARGET.
      const claimers = Math.ceil(
        (2 * MAX_ONE_TIME_PREKEYS_HANDED_OUT_PER_OWNER) / MAX_PREKEY_CLAIMS_PER_TARGET,
      );
      const handedOut: number[] = [];
      await Promise.all(
        Array.from({ length: claimers }, async (_, i) => {
          const mallory = await fixture.client();
          await signIn(mallory, `Mallory ${i}`);
          for (let claim = 0; claim < MAX_PREKEY_CLAIMS_PER_TARGET; claim++) {
            const bundle = await mallory.emitWithAck('prekeys:claim', { userId: userIdOfKeys(bobKeys) });
            // Past the limit a bundle still comes (X3DH works without a one-time prekey), only without one.
            expect(bundle).toMatchObject({ ok: true, data: { identity: publicIdentity(bobKeys) } });
            const id = bundle.ok ? bundle.data.oneTimePrekey?.id : undefined;
            if (id !== undefined) handedOut.push(id);
          }
        }),
      );
      expect(handedOut).toHaveLength(MAX_ONE_TIME_PREKEYS_HANDED_OUT_PER_OWNER);
      expect(new Set(handedOut).size).toBe(handedOut.length);
      expect(hour()).toBe(firstHour); // the claims shared one window

      // Pushed before any claim was answered, so before this answer on Bob's socket: every push has arrived.
      const left = held - MAX_ONE_TIME_PREKEYS_HANDED_OUT_PER_OWNER;
      const publish = await bob.emitWithAck('prekeys:publish', prekeys(bobKeys, []));
      expect(publish).toEqual({ ok: true, data: { oneTimePrekeys: left } });
      // Once, when a claim took the count below the low water mark; not at each claim after.
      expect(lows).toEqual([ONE_TIME_PREKEYS_LOW_WATER - 1]);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
