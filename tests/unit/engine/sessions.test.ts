import { describe, expect, it } from 'vitest';
import { MAX_ONE_TIME_PREKEYS_HANDED_OUT_PER_OWNER, PREKEY_CLAIM_WINDOW_MS } from '../../../shared/limits';
import type { SealedMessage } from '../../../shared/protocol/envelope';
import { userIdOfKeys } from '../../../extension/lib/crypto/identity';
import { createSessions, type OpenedMessage, type Sessions } from '../../../extension/lib/engine/sessions';
import { NO_PREKEYS } from '../../../extension/lib/crypto/prekeys';
import { memoryStores } from '../../support/stores';
import { claimFrom, publishTo } from '../../support/prekeys';
import { testVaultStorage } from '../../support/vault';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
/** The plaintext of an opened message, once its session state is stored. */
const read = async (opening: Promise<OpenedMessage>): Promise<string> => {
  const opened = await opening;
  await opened.stored;
  return new TextDecoder().decode(opened.plaintext);
};

/** Users whose sessions share one prekey server (the server's own in-memory store) and keep state in a vault. */
async function world() {
  const server = memoryStores().prekeys;
  async function user() {
    const storage = testVaultStorage();
    const vault = await storage.create('correct horse');
    const keys = vault.identity;
    const make = (): Sessions =>
      createSessions({ keys, store: vault.sessions, claimBundle: claimFrom(server) });
    const sessions = make();
    await sessions.publishPrekeys(publishTo(server, keys));
    return { id: userIdOfKeys(keys), keys, vault, sessions, make };
  }
  return { server, user };
}

describe('sessions: X3DH, then the Double Ratchet', () => {
  it('starts a session from a prekey bundle, with the recipient offline, and talks both ways', async () => {
    const { user } = await world();
    const alice = await user();
    const bob = await user();
    const first = await alice.sessions.seal(bob.id, text('hello Bob'));
    const second = await alice.sessions.seal(bob.id, text('are you there?'));
    expect(first.prekey?.oneTimePrekeyId).toBeDefined();
    expect(second.prekey).toEqual(first.prekey); // until Bob answers

    expect(await read(bob.sessions.open(alice.id, first))).toBe('hello Bob');
    expect(await read(bob.sessions.open(alice.id, second))).toBe('are you there?');
    const reply = await bob.sessions.seal(alice.id, text('yes'));
    expect(reply.prekey).toBeUndefined();
    expect(await read(alice.sessions.open(bob.id, reply))).toBe('yes');
    const after = await alice.sessions.seal(bob.id, text('good'));
    expect(after.prekey).toBeUndefined();
    expect(await read(bob.sessions.open(alice.id, after))).toBe('good');
  });

  it('spends the one-time prekey: the same first message cannot open a second session', async () => {
    const { user } = await world();
    const alice = await user();
    const bob = await user();
    const first = await alice.sessions.seal(bob.id, text('once'));
    await read(bob.sessions.open(alice.id, first));
    await expect(bob.sessions.open(alice.id, first)).rejects.toThrow(/duplicate|altered/);
    // On a profile that has forgotten the session (e.g. restored), the spent prekey is gone for good.
    await bob.vault.sessions.save(alice.id, []);
    await expect(bob.sessions.open(alice.id, first)).rejects.toThrow('already spent');
  });

  it('survives both sides starting a session at once', async () => {
    const { user } = await world();
    const alice = await user();
    const bob = await user();
    const fromAlice = await alice.sessions.seal(bob.id, text('hi from Alice'));
    const fromBob = await bob.sessions.seal(alice.id, text('hi from Bob'));
    expect(await read(bob.sessions.open(alice.id, fromAlice))).toBe('hi from Alice');
    expect(await read(alice.sessions.open(bob.id, fromBob))).toBe('hi from Bob');
    for (let round = 0; round < 3; round++) {
      expect(
        await read(bob.sessions.open(alice.id, await alice.sessions.seal(bob.id, text(`a${round}`)))),
      ).toBe(`a${round}`);
      expect(
        await read(alice.sessions.open(bob.id, await bob.sessions.seal(alice.id, text(`b${round}`)))),
      ).toBe(`b${round}`);
    }
  });

  it('keeps sessions in the vault: a restarted engine goes on where it stopped', async () => {
    const { user } = await world();
    const alice = await user();
    const bob = await user();
    await read(bob.sessions.open(alice.id, await alice.sessions.seal(bob.id, text('before'))));
    const restartedBob = bob.make();
    const restartedAlice = alice.make();
    const reply = await restartedBob.seal(alice.id, text('after restart'));
    expect(await read(restartedAlice.open(bob.id, reply))).toBe('after restart');
  });

  it('refuses a bundle that is not the contact’s own, and a message claiming to come from someone else', async () => {
    const { server, user } = await world();
    const alice = await user();
    const bob = await user();
    const mallory = await user();
    // The server answers a claim for Bob with Mallory's bundle.
    const swapped = createSessions({
      keys: alice.keys,
      store: (await testVaultStorage().create('x'.repeat(8))).sessions,
      claimBundle: async () => ({ ...(await claimFrom(server)(mallory.id)), userId: bob.id }),
    });
    await expect(swapped.seal(bob.id, text('secret'))).rejects.toThrow('belongs to another user');

    const fromMallory: SealedMessage = await mallory.sessions.seal(bob.id, text('I am Alice'));
    await expect(bob.sessions.open(alice.id, fromMallory)).rejects.toThrow('someone else');
  });

  it('tops up one-time prekeys on the server, and rotates nothing before it is due', async () => {
    const { server, user } = await world();
    const bob = await user();
    // Claimed over four claim windows: the server hands out at most a window's share of one user's prekeys in each.
    for (let i = 0; i < 80; i++) {
      const window = Math.floor(i / MAX_ONE_TIME_PREKEYS_HANDED_OUT_PER_OWNER);
      await claimFrom(server)(bob.id, Date.now() + window * PREKEY_CLAIM_WINDOW_MS);
    }
    let uploaded = 0;
    await bob.sessions.publishPrekeys((request) => {
      uploaded += request.oneTimePrekeys.length;
      return publishTo(server, bob.keys)(request);
    });
    expect(uploaded).toBe(80);
    const prekeys = await bob.vault.sessions.loadPrekeys();
    expect(prekeys.signed).toHaveLength(1);
  });
});

describe('a profile that starts over', () => {
  it('has the server drop one-time prekeys it can no longer open, so first messages still arrive', async () => {
    const { server, user } = await world();
    const alice = await user();
    const bob = await user();
    // Bob's profile is restored from a backup: same identity, no prekey secrets, no sessions.
    await bob.vault.sessions.savePrekeys(NO_PREKEYS);
    const restored = bob.make();
    await restored.publishPrekeys(publishTo(server, bob.keys));
    const first = await alice.sessions.seal(bob.id, text('welcome back'));
    expect(await read(restored.open(alice.id, first))).toBe('welcome back');
  });
});
