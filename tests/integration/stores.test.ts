import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeBytes, userIdOf } from '../../shared/crypto/identity';
import { randomId } from '../../shared/ids';
import type { MailItem } from '../../shared/protocol/mailbox';
import type { SealedMessage } from '../../shared/protocol/envelope';
import { createEmbeddedStores, createRedisStores, type Stores } from '../../signal-server/src/stores';
import { NAME_INACTIVITY_RELEASE_MS } from '../../shared/limits';
import {
  NO_NAME,
  forgetUser,
  releaseInactiveNames,
  releaseName,
} from '../../signal-server/src/stores/forget';
import { CLAIM_LIMITS } from '../../signal-server/src/stores/prekeys';
import { MIGRATIONS, openDatabase } from '../../signal-server/src/stores/sqlite/database';
import type { Unreadable } from '../../signal-server/src/stores/stored';
import { storeBackends } from '../support/store-backends';
import { TEST_MAILBOX_LIMITS } from '../support/stores';

const fail = (): never => {
  throw new Error('redis-server did not start');
};
/*
 * Stores parse what they read back, so the values given them here are well-formed (keys of the right length, user
 * ids derived from signing keys); nothing checks signatures at this level.
 */
/** `length` bytes of `fill`, as the wire writes them (base64url). */
const bytes = (length: number, fill = 1) => encodeBytes(new Uint8Array(length).fill(fill));
const user = (name: string) => {
  const signingKey = crypto.getRandomValues(new Uint8Array(32));
  return { userId: userIdOf(signingKey), name, signingKey: encodeBytes(signingKey) };
};
const identity = { signingKey: bytes(32), exchangeKey: bytes(32, 2), exchangeKeySignature: bytes(64) };
const signed = { id: 1, key: bytes(32, 3), signature: bytes(64) };
const otk = (id: number) => ({ id, key: bytes(32, id) });
const sealed = (padding = 0): SealedMessage => ({
  v: 1,
  session: bytes(32),
  envelope: { v: 1, header: { dh: bytes(32, 2), pn: 0, n: 0 }, ciphertext: 'C'.repeat(24 + padding) },
});
const mail = (from: string, storedAt = Date.now(), padding = 0): MailItem => ({
  mailId: randomId(),
  from,
  id: randomId(),
  message: sealed(padding),
  storedAt,
});
/** A sender who has been around (not new), and a fetch page bounded by count only. */
const old = { isNew: false };
const page = (maxItems: number) => ({ maxItems, maxBytes: Number.MAX_SAFE_INTEGER });
const claimBy = (claimer: string) => ({ claimer, now: Date.now(), limits: CLAIM_LIMITS });

const { withRedis, redis, backends } = storeBackends();
/** A room's log as the handlers keep it: well-formed, never verified by the stores. */
const roomLog = [
  { op: 'create', subject: 'Hikers', at: 1, actor: bytes(32), prev: '', signature: bytes(64) },
] as const;

describe.each(backends)('%s stores', (_name, open) => {
  it('presence: lists users until their session ends; a newer session replaces an older one', async () => {
    const { presence } = open();
    const [alice, bob] = [user('Alice'), user('Bob')];
    expect(await presence.claim(alice, 's1')).toEqual({ departed: [] });
    await presence.claim(bob, 'old');
    expect(await presence.claim(bob, 'new')).toEqual({ replaced: 'old', departed: [] });
    expect(await presence.release(bob.userId, 'old')).toBe(false);
    expect((await presence.list()).map((u) => u.name).sort()).toEqual(['Alice', 'Bob']);
    expect(await presence.release(alice.userId, 's1')).toBe(true);
    expect(await presence.count()).toBe(1);
  });

  it('presence: two users share a token only while both present it in their current sessions', async () => {
    const { presence } = open();
    const [alice, bob, carol] = [user('Alice'), user('Bob'), user('Carol')];
    const [ab, ac, other] = [bytes(32, 1), bytes(32, 2), bytes(32, 3)];
    await presence.claim(alice, 'a1');
    await presence.claim(bob, 'b1');
    await presence.claim(carol, 'c1');
    expect(await presence.present(alice.userId, 'a1', [ab, ac], true)).toBe(true);
    expect(await presence.shareToken(alice.userId, bob.userId)).toBe(false); // Bob presents nothing yet
    expect(await presence.present(bob.userId, 'b1', [other, ab], false)).toBe(true);
    expect(await presence.present(carol.userId, 'c1', [other], true)).toBe(true);
    expect(await presence.shareToken(alice.userId, bob.userId)).toBe(true);
    expect(await presence.shareToken(bob.userId, alice.userId)).toBe(true);
    expect(await presence.shareToken(alice.userId, carol.userId)).toBe(false);
    expect(await presence.shareToken(alice.userId, randomId())).toBe(false);

    // A session that is not the user's (a stale one) changes nothing.
    expect(await presence.present(bob.userId, 'b0', [], true)).toBe(false);
    expect(await presence.shareToken(alice.userId, bob.userId)).toBe(true);
    // Replaced: the tokens go with the old session (announced only if it was visible), the new one has none.
    const replaced = await presence.claim(alice, 'a2');
    expect({ ...replaced, departed: [...replaced.departed].sort() }).toEqual({
      replaced: 'a1',
      departed: [ab, ac].sort(),
    });
    expect(await presence.shareToken(alice.userId, bob.userId)).toBe(false);
    expect(await presence.claim(bob, 'b2')).toEqual({ replaced: 'b1', departed: [] }); // Bob was hidden
    await presence.present(alice.userId, 'a2', [ab], true);
    await presence.present(bob.userId, 'b2', [ab], true);
    expect(await presence.shareToken(alice.userId, bob.userId)).toBe(true);
    // Dropped from the set, or released with the session: not shared any more.
    await presence.present(bob.userId, 'b2', [other], true);
    expect(await presence.shareToken(alice.userId, bob.userId)).toBe(false);
    await presence.present(bob.userId, 'b2', [ab], true);
    expect(await presence.release(bob.userId, 'b2')).toBe(true);
    expect(await presence.shareToken(alice.userId, bob.userId)).toBe(false);
    expect(await presence.present(bob.userId, 'b2', [ab], true)).toBe(false); // released: nothing to present
    expect(await presence.shareToken(alice.userId, bob.userId)).toBe(false);
  });

  it('blocks: one user blocks another (not the other way), up to max; unblocking and forgetting undo it', async () => {
    const { blocks } = open();
    const [alice, bob, carol, dave] = [randomId(), randomId(), randomId(), randomId()];
    expect(await blocks.set(alice, bob, true, 2)).toEqual({ ok: true, count: 1 });
    expect(await blocks.set(alice, bob, true, 2)).toEqual({ ok: true, count: 1 }); // twice is once
    expect(await blocks.blocks(alice, bob)).toBe(true);
    expect(await blocks.blocks(bob, alice)).toBe(false);
    expect(await blocks.set(alice, carol, true, 2)).toEqual({ ok: true, count: 2 });
    expect(await blocks.set(alice, dave, true, 2)).toEqual({ ok: false });
    expect(await blocks.blocks(alice, dave)).toBe(false);
    expect(await blocks.set(alice, bob, true, 2)).toEqual({ ok: true, count: 2 }); // already blocked: no new one
    expect(await blocks.set(alice, carol, false, 2)).toEqual({ ok: true, count: 1 });
    expect(await blocks.set(alice, carol, false, 2)).toEqual({ ok: true, count: 1 });
    expect(await blocks.blocks(alice, carol)).toBe(false);

    // Forgetting a user drops the blocks they made and those of them.
    await blocks.set(bob, carol, true, 2);
    await blocks.set(carol, bob, true, 2);
    await blocks.forget(bob);
    expect(await blocks.blocks(alice, bob)).toBe(false);
    expect(await blocks.blocks(bob, carol)).toBe(false);
    expect(await blocks.blocks(carol, bob)).toBe(false);
    expect(await blocks.set(alice, dave, true, 2)).toEqual({ ok: true, count: 1 }); // Bob no longer counts
    expect(await blocks.set(carol, dave, true, 1)).toEqual({ ok: true, count: 1 });
  });

  it('prekeys: the identity a user published with is there to look up, and gone once forgotten', async () => {
    const { prekeys } = open();
    const [alice, bob] = [randomId(), randomId()];
    await prekeys.publish(alice, identity, signed, [otk(1)], { limit: 10, replace: false });
    expect(await prekeys.identity(alice)).toEqual(identity);
    expect(await prekeys.identity(bob)).toBeUndefined();
    await prekeys.forget(alice);
    expect(await prekeys.identity(alice)).toBeUndefined();
  });

  it('accounts: a look-alike of a bound name (same UTS #39 skeleton) is refused for another key, freed with it', async () => {
    const { accounts } = open();
    const [alice, mallory] = [randomId(), randomId()];
    const tag = randomId().slice(0, 4).replace(/[0-9]/g, 'x');
    expect(await accounts.bindName(alice, `mallory${tag}`)).toEqual({ ok: true });
    expect(await accounts.bindName(mallory, `rnallory${tag}`)).toEqual({ ok: false, reason: 'look-alike' });
    expect(await accounts.bindName(alice, `coco${tag}`)).toEqual({ ok: true }); // alice's old name is free again
    expect(await accounts.bindName(mallory, `rnallory${tag}`)).toEqual({ ok: true });
    // Cyrillic "сосо": one script, but the same skeleton as Latin "coco".
    expect(await accounts.bindName(mallory, `\u0441\u043e\u0441\u043e${tag}`)).toEqual({
      ok: false,
      reason: 'look-alike',
    });
    expect(await accounts.bindName(alice, `сосо${tag}`)).toEqual({ ok: true }); // one's own look-alike is fine
    expect(await accounts.lookup(`coco${tag}`)).toBeUndefined();
  });

  it('accounts: a capital I for l, or a dot above an i, makes a look-alike; the holder binds its name again', async () => {
    const { accounts } = open();
    const [alice, mallory] = [randomId(), randomId()];
    const tag = randomId().slice(0, 4).replace(/[0-9]/g, 'x');
    expect(await accounts.bindName(alice, `alice${tag}`)).toEqual({ ok: true });
    for (const lookAlike of [`aIice${tag}`, `AIice${tag}`, `ali\u0307ce${tag}`]) {
      expect(await accounts.bindName(mallory, lookAlike)).toEqual({ ok: false, reason: 'look-alike' });
    }
    expect(await accounts.bindName(alice, `Alice${tag}`)).toEqual({ ok: true });
    expect(await accounts.bindName(alice, `aIice${tag}`)).toEqual({ ok: true }); // its own look-alike
  });

  it('accounts: remember when a key was first seen, across its names', async () => {
    const { accounts } = open();
    const alice = randomId();
    expect(await accounts.firstSeen(alice)).toBeUndefined();
    await accounts.bindName(alice, `Old${randomId().slice(0, 6)}`, 1_000);
    await accounts.bindName(alice, `New${randomId().slice(0, 6)}`, 2_000);
    expect(await accounts.firstSeen(alice)).toBe(1_000);
  });

  it('accounts: bind a name to one key, case-insensitively, and free it when that key takes another', async () => {
    const { accounts } = open();
    const [alice, mallory] = [randomId(), randomId()];
    const name = `Alice${randomId().slice(0, 6)}`;
    expect(await accounts.bindName(alice, name)).toEqual({ ok: true });
    expect(await accounts.bindName(alice, name)).toEqual({ ok: true });
    expect(await accounts.bindName(mallory, name.toUpperCase())).toEqual({ ok: false, reason: 'name-taken' });
    expect(await accounts.bindName(alice, `${name}2`)).toEqual({ ok: true });
    expect(await accounts.bindName(mallory, name)).toEqual({ ok: true });
    expect(await accounts.bindName(alice, name)).toEqual({ ok: false, reason: 'name-taken' });
  });

  it('accounts: a released name is free for another key, and no look-alike of it is held; the key stays known', async () => {
    const { accounts } = open();
    const [alice, mallory] = [randomId(), randomId()];
    const name = `Mallory${randomId().slice(0, 6)}`;
    await accounts.bindName(alice, name, 1_000);
    expect(await accounts.releaseName(alice)).toBe(true);
    expect(await accounts.releaseName(alice)).toBe(false); // none left to release
    expect(await accounts.lookup(name)).toBeUndefined();
    expect(await accounts.known(alice)).toBe(true);
    expect(await accounts.firstSeen(alice)).toBe(1_000);
    expect(await accounts.bindName(mallory, `rn${name.slice(1)}`)).toEqual({ ok: true }); // its skeleton went too
    expect(await accounts.bindName(alice, name)).toEqual({ ok: false, reason: 'look-alike' });
  });

  it('accounts: names of keys not seen since a time are released, oldest first and a batch at a time', async () => {
    const { accounts } = open();
    const [alice, bob, carol] = [randomId(), randomId(), randomId()];
    const tag = randomId().slice(0, 6);
    await accounts.bindName(alice, `Alice${tag}`, 1_000);
    await accounts.bindName(bob, `Bob${tag}`, 2_000);
    await accounts.bindName(carol, `Carol${tag}`, 3_000);
    await accounts.bindName(alice, `Alice${tag}`, 5_000); // a sign-in: seen again
    expect(await accounts.releaseInactive(4_000, 1)).toEqual([bob]);
    expect(await accounts.releaseInactive(4_000, 10)).toEqual([carol]);
    expect(await accounts.releaseInactive(4_000, 10)).toEqual([]);
    expect(await accounts.lookup(`Alice${tag}`)).toBe(alice);
    expect(await accounts.lookup(`Bob${tag}`)).toBeUndefined();
    expect(await accounts.known(bob)).toBe(true); // the key keeps the rest
    expect(await accounts.firstSeen(carol)).toBe(3_000);
    expect(await accounts.releaseInactive(5_001, 10)).toEqual([alice]);
  });

  it('accounts: a forgotten key holds no name and is unknown; it can start again as a new one', async () => {
    const { accounts } = open();
    const [alice, bob] = [randomId(), randomId()];
    const name = `Alice${randomId().slice(0, 6)}`;
    await accounts.bindName(alice, name, 1_000);
    await accounts.forget(alice);
    expect(await accounts.known(alice)).toBe(false);
    expect(await accounts.firstSeen(alice)).toBeUndefined();
    expect(await accounts.lookup(name)).toBeUndefined();
    expect(await accounts.releaseInactive(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect(await accounts.bindName(bob, name)).toEqual({ ok: true });
    expect(await accounts.bindName(alice, `Other${randomId().slice(0, 6)}`, 2_000)).toEqual({ ok: true });
    expect(await accounts.firstSeen(alice)).toBe(2_000);
  });

  it('prekeys: each one-time prekey is handed out once, up to the limit; replace drops the old ones', async () => {
    const { prekeys } = open();
    const bob = randomId();
    expect(
      await prekeys.publish(bob, identity, signed, [otk(1), otk(2), otk(2), otk(3)], {
        limit: 2,
        replace: false,
      }),
    ).toBe(2);
    expect(await prekeys.publish(bob, identity, signed, [otk(3)], { limit: 3, replace: false })).toBe(3);
    expect((await prekeys.claim(bob, claimBy(randomId())))?.oneTimePrekey).toEqual(otk(1));
    expect(await prekeys.publish(bob, identity, signed, [otk(9)], { limit: 3, replace: true })).toBe(1);
    expect(await prekeys.claim(bob, claimBy(randomId()))).toEqual({
      identity,
      signedPrekey: signed,
      oneTimePrekey: otk(9),
      remaining: 0,
    });
    expect(await prekeys.claim(bob, claimBy(randomId()))).toEqual({
      identity,
      signedPrekey: signed,
      remaining: 0,
    });
    expect(await prekeys.claim(randomId(), claimBy(randomId()))).toBeUndefined();
    // A claimed id is forgotten: published again, it is held again.
    expect(await prekeys.publish(bob, identity, signed, [otk(9)], { limit: 3, replace: false })).toBe(1);
  });

  it('prekeys: a claimer past its limits (per user per window, and overall) gets bundles without one-time prekeys', async () => {
    const { prekeys } = open();
    const otks = Array.from({ length: 20 }, (_, id) => otk(id));
    const [bob, carol, mallory] = [randomId(), randomId(), randomId()];
    for (const owner of [bob, carol])
      await prekeys.publish(owner, identity, signed, otks, { limit: 20, replace: false });
    const limits = {
      ...{ perTarget: 3, perTargetWindowMs: 3_600_000, perClaimer: 5, perClaimerWindowMs: 60_000 },
      ...{ perOwner: 100, perOwnerWindowMs: 3_600_000 },
    };
    const now = 7_200_000; // the start of a window: every claim below falls in it
    const claim = async (target: string, claimer = mallory, at = now) =>
      (await prekeys.claim(target, { claimer, now: at, limits }))?.oneTimePrekey?.id;
    const fromMallory = [];
    for (let i = 0; i < 4; i++) fromMallory.push(await claim(bob));
    expect(fromMallory).toEqual([0, 1, 2, undefined]); // 3 per (claimer, target) per hour
    expect(await claim(bob, randomId())).toBe(3); // others still get one
    expect(await claim(carol)).toBe(0);
    expect(await claim(carol)).toBe(undefined); // 5 claims by mallory this minute, of anyone
    expect(await claim(carol, mallory, now + 60_000)).toBe(1); // the next minute
    expect(await claim(bob, mallory, now + 60_000)).toBe(undefined); // still within the hour for bob
    expect((await prekeys.claim(bob, { claimer: randomId(), now, limits }))?.remaining).toBe(15);
  });

  it("prekeys: one user's one-time prekeys go out at most perOwner times a window, whoever claims them", async () => {
    const { prekeys } = open();
    const [bob, carol] = [randomId(), randomId()];
    const otks = Array.from({ length: 20 }, (_, id) => otk(id));
    for (const owner of [bob, carol])
      await prekeys.publish(owner, identity, signed, otks, { limit: 20, replace: false });
    const limits = { ...CLAIM_LIMITS, perOwner: 4, perOwnerWindowMs: 3_600_000 };
    const now = 7_200_000; // the start of a window: every claim below falls in it
    const claim = async (target: string, at = now) =>
      (await prekeys.claim(target, { claimer: randomId(), now: at, limits }))?.oneTimePrekey?.id;
    const fromMany = [];
    for (let i = 0; i < 6; i++) fromMany.push(await claim(bob)); // six claimers, one claim each
    expect(fromMany).toEqual([0, 1, 2, 3, undefined, undefined]);
    expect(await claim(carol)).toBe(0); // another user's are counted apart
    expect((await prekeys.claim(bob, { claimer: randomId(), now, limits }))?.remaining).toBe(16);
    expect(await claim(bob, now + 3_600_000)).toBe(4); // the next window
  });

  it('prekeys: forget drops the bundle, the one-time prekeys and the claims counted by or for the user', async () => {
    const { prekeys } = open();
    const [bob, carol] = [randomId(), randomId()];
    const limits = { ...CLAIM_LIMITS, perTarget: 1 };
    const otks = [otk(1), otk(2), otk(3)];
    for (const owner of [bob, carol])
      await prekeys.publish(owner, identity, signed, otks, { limit: 10, replace: false });
    const claim = async (target: string, claimer: string) =>
      (await prekeys.claim(target, { claimer, now: Date.now(), limits }))?.oneTimePrekey?.id;
    expect(await claim(carol, bob)).toBe(1);
    expect(await claim(carol, bob)).toBeUndefined(); // bob's one claim of carol's this window
    await prekeys.forget(bob);
    expect(await prekeys.claim(bob, claimBy(randomId()))).toBeUndefined();
    expect(await claim(carol, bob)).toBe(2); // bob as he was is forgotten: a claimer like new
    expect(await prekeys.publish(bob, identity, signed, [], { limit: 10, replace: false })).toBe(0);
  });

  it('mailbox: holds messages in order until acknowledged; a message sent twice is held once', async () => {
    const { mailbox } = open();
    const [bob, alice] = [randomId(), randomId()];
    const items = [mail(alice), mail(alice), mail(alice)];
    for (const item of items)
      expect(await mailbox.put(bob, item, 100, old)).toMatchObject({ ok: true, mailId: item.mailId });
    const again = await mailbox.put(bob, { ...items[0], mailId: randomId() } as MailItem, 100, old);
    expect(again).toMatchObject({ ok: true, mailId: items[0]?.mailId });

    const first = await mailbox.fetch(bob, page(2), Date.now());
    expect(first).toEqual({ items: items.slice(0, 2), more: true });
    expect(
      await mailbox.ack(
        bob,
        first.items.map((item) => item.mailId),
      ),
    ).toBe(2);
    expect(await mailbox.ack(randomId(), [items[2]?.mailId ?? ''])).toBe(0); // only the recipient's own mail
    expect(await mailbox.fetch(bob, page(10), Date.now())).toEqual({ items: items.slice(2), more: false });
  });

  it('mailbox: a fetch is a page bounded in bytes too; one message larger than a page still comes alone', async () => {
    const { mailbox } = open();
    const [bob, alice] = [randomId(), randomId()];
    const items = [mail(alice), mail(alice), mail(alice), mail(alice)];
    const sizes = [400, 500, 2_000, 100];
    for (const [i, item] of items.entries()) await mailbox.put(bob, item, sizes[i] ?? 0, old);
    const bounded = { maxItems: 10, maxBytes: 1_000 };
    expect(await mailbox.fetch(bob, bounded, Date.now())).toEqual({ items: items.slice(0, 2), more: true });
    await mailbox.ack(bob, [items[0]?.mailId ?? '', items[1]?.mailId ?? '']);
    expect(await mailbox.fetch(bob, bounded, Date.now())).toEqual({ items: items.slice(2, 3), more: true });
    await mailbox.ack(bob, [items[2]?.mailId ?? '']);
    expect(await mailbox.fetch(bob, bounded, Date.now())).toEqual({ items: items.slice(3), more: false });
  });

  it('mailbox: a new sender is held to a small quota across all recipients, any sender to a larger one', async () => {
    const { mailbox } = open();
    const { newSender, maxBytesFromSender, maxFromOneSender } = TEST_MAILBOX_LIMITS;
    const [alice, bob] = [randomId(), randomId()];
    const recipients = Array.from({ length: 4 }, () => randomId());
    const spread = async (from: string, count: number, size: number, isNew: boolean) => {
      const outcomes = [];
      for (let i = 0; i < count; i++)
        outcomes.push(
          await mailbox.put(recipients[i % recipients.length] ?? '', mail(from), size, { isNew }),
        );
      return outcomes;
    };
    expect((await spread(alice, newSender.maxMessages, 10, true)).every((outcome) => outcome.ok)).toBe(true);
    expect(await mailbox.put(randomId(), mail(alice), 10, { isNew: true })).toEqual({
      ok: false,
      full: 'new-sender',
    });
    // The same sender once it has been around: only the per-recipient share (4 × maxFromOneSender here) stops it.
    expect((await spread(alice, 10, 10, false)).every((outcome) => outcome.ok)).toBe(true);
    expect(maxFromOneSender * recipients.length).toBeGreaterThan(newSender.maxMessages + 10);

    const big = newSender.maxBytes / 2;
    expect((await spread(bob, 2, big, true)).every((outcome) => outcome.ok)).toBe(true);
    expect(await mailbox.put(randomId(), mail(bob), 1, { isNew: true })).toEqual({
      ok: false,
      full: 'new-sender',
    });
    // Acknowledged mail frees the quota.
    const held = await mailbox.fetch(recipients[0] ?? '', page(100), Date.now());
    const bobs = held.items.filter((item) => item.from === bob).map((item) => item.mailId);
    expect(await mailbox.ack(recipients[0] ?? '', bobs)).toBe(1);
    expect(await mailbox.put(randomId(), mail(bob), 1, { isNew: true })).toMatchObject({ ok: true });

    const carol = randomId();
    const chunk = TEST_MAILBOX_LIMITS.maxBytes / 4;
    const outcomes = await spread(carol, maxBytesFromSender / chunk + 1, chunk, false);
    expect(outcomes.at(-1)).toEqual({ ok: false, full: 'sender-bytes' });
    expect(outcomes.slice(0, -1).every((outcome) => outcome.ok)).toBe(true);
  });

  it('mailbox: the whole mailbox is capped, all senders and recipients together', async () => {
    const { mailbox } = open();
    const { maxTotalBytes, maxBytes } = TEST_MAILBOX_LIMITS;
    const chunk = maxBytes / 2;
    const outcomes = [];
    for (let i = 0; i < maxTotalBytes / chunk + 1; i++)
      outcomes.push(await mailbox.put(randomId(), mail(randomId()), chunk, old));
    expect(outcomes.at(-1)).toEqual({ ok: false, full: 'total' });
    expect(outcomes.slice(0, -1).every((outcome) => outcome.ok)).toBe(true);
  });

  it('mailbox: forget drops the mail held for the user and from them, and the counts kept of both', async () => {
    const { mailbox } = open();
    const { newSender } = TEST_MAILBOX_LIMITS;
    const [alice, bob, carol] = [randomId(), randomId(), randomId()];
    const toAlice = [mail(bob), mail(carol)];
    for (const item of toAlice) await mailbox.put(alice, item, 10, old);
    const fromAlice = mail(alice);
    await mailbox.put(bob, fromAlice, newSender.maxBytes, { isNew: true }); // her whole new-sender quota
    const kept = mail(carol);
    await mailbox.put(bob, kept, 10, old);
    expect(await mailbox.put(carol, mail(alice), 1, { isNew: true })).toEqual({
      ok: false,
      full: 'new-sender',
    });

    expect(await mailbox.forget(alice)).toBe(3);
    expect(await mailbox.fetch(alice, page(10), Date.now())).toEqual({ items: [], more: false });
    expect((await mailbox.fetch(bob, page(10), Date.now())).items).toEqual([kept]);
    expect(await mailbox.ack(bob, [fromAlice.mailId])).toBe(0);
    // Her quota as a sender is free again: nothing of what she held is counted.
    expect(await mailbox.put(carol, mail(alice), newSender.maxBytes, { isNew: true })).toMatchObject({
      ok: true,
    });
  });

  it('mailbox: refuses past each quota, and a message past its time-to-live is gone', async () => {
    const { mailbox } = open();
    const [bob, alice, carol] = [randomId(), randomId(), randomId()];
    const { maxFromOneSender, maxMessages, maxBytes, ttlMs } = TEST_MAILBOX_LIMITS;
    for (let i = 0; i < maxFromOneSender; i++) await mailbox.put(bob, mail(alice), 10, old);
    expect(await mailbox.put(bob, mail(alice), 10, old)).toEqual({ ok: false, full: 'sender' });
    expect(await mailbox.put(bob, mail(carol), maxBytes, old)).toEqual({ ok: false, full: 'bytes' });
    for (let i = maxFromOneSender; i < maxMessages; i++) await mailbox.put(bob, mail(randomId()), 10, old);
    expect(await mailbox.put(bob, mail(carol), 10, old)).toEqual({ ok: false, full: 'messages' });

    const dave = randomId();
    const expired = mail(alice, Date.now() - ttlMs - 1);
    await mailbox.put(dave, expired, 10, old);
    await mailbox.put(dave, mail(alice), 10, old);
    expect((await mailbox.fetch(dave, page(10), Date.now())).items).toHaveLength(1);
    await mailbox.put(dave, mail(carol, Date.now() - ttlMs - 1), 10, old);
    expect(await mailbox.purgeExpired(Date.now())).toBeGreaterThanOrEqual(1);
    expect((await mailbox.fetch(dave, page(10), Date.now())).items.map((item) => item.from)).toEqual([alice]);
  });
});

describe.each(backends)('%s room store', (_name, open) => {
  // The store keeps logs as the handlers checked them: well-formed, never verified here.
  const log = [
    { op: 'create', subject: 'Hikers', at: 1, actor: bytes(32), prev: '', signature: bytes(64) },
  ] as const;

  it('keeps rooms per person, applies concurrent changes without losing one, and deletes', async () => {
    const { rooms } = open();
    const [alice, bob, carol] = [randomId(), randomId(), randomId()];
    const roomId = `r${randomId()}`;
    const room = { roomId, members: [{ userId: alice, name: 'Alice' }], invited: [], log };
    expect(await rooms.create(room)).toBe(true);
    expect(await rooms.create({ ...room, members: [] })).toBe(false); // an id is taken once
    await Promise.all(
      [
        { userId: bob, name: 'Bob' },
        { userId: carol, name: 'Carol' },
      ].map((member) => rooms.update(roomId, (room) => ({ ...room, members: [...room.members, member] }))),
    );
    expect((await rooms.get(roomId))?.members.map((member) => member.name).sort()).toEqual([
      'Alice',
      'Bob',
      'Carol',
    ]);
    expect((await rooms.listFor(carol)).map((room) => room.roomId)).toEqual([roomId]);
    await rooms.update(roomId, (room) => ({
      ...room,
      members: room.members.filter((m) => m.userId !== carol),
    }));
    expect(await rooms.listFor(carol)).toEqual([]);
    expect(await rooms.update(roomId, () => null)).toBeUndefined();
    expect(await rooms.get(roomId)).toBeUndefined();
    expect(await rooms.listFor(alice)).toEqual([]);
  });

  it('counts memberships and invitations apart, and invitations per inviter', async () => {
    const { rooms } = open();
    const [alice, bob, carol] = [randomId(), randomId(), randomId()];
    const [first, second] = [`r${randomId()}`, `r${randomId()}`];
    const invitedBy = (by: string, ...userIds: string[]) =>
      userIds.map((userId) => ({ userId, name: 'Someone', by }));
    await rooms.create({ roomId: first, members: [{ userId: alice, name: 'Alice' }], invited: [], log });
    await rooms.create({ roomId: second, members: [{ userId: bob, name: 'Bob' }], invited: [], log });
    await rooms.update(first, (room) => ({ ...room, invited: invitedBy(alice, bob, carol) }));
    await rooms.update(second, (room) => ({ ...room, invited: invitedBy(bob, carol) }));
    expect(await rooms.counts(bob)).toEqual({ memberOf: 1, invitedTo: 1 });
    expect(await rooms.counts(carol)).toEqual({ memberOf: 0, invitedTo: 2 });
    expect(await rooms.invitationsBy(alice)).toBe(2);
    expect((await rooms.listFor(carol)).map((room) => room.roomId).sort()).toEqual([first, second].sort());
    // Bob accepts: one membership more, one invitation (and one of Alice's) less.
    await rooms.update(first, (room) => ({
      ...room,
      members: [...room.members, { userId: bob, name: 'Bob' }],
      invited: invitedBy(alice, carol),
    }));
    expect(await rooms.counts(bob)).toEqual({ memberOf: 2, invitedTo: 0 });
    expect(await rooms.invitationsBy(alice)).toBe(1);
    await rooms.update(second, () => null);
    expect(await rooms.counts(carol)).toEqual({ memberOf: 0, invitedTo: 1 });
    expect(await rooms.invitationsBy(bob)).toBe(0);
  });

  it('lists the rooms where invitations a user made still wait, and drops what indexes them', async () => {
    const { rooms } = open();
    const [alice, bob, carol] = [randomId(), randomId(), randomId()];
    const [first, second] = [`r${randomId()}`, `r${randomId()}`];
    for (const roomId of [first, second])
      await rooms.create({
        roomId,
        members: [{ userId: alice, name: 'Alice' }],
        invited: [{ userId: bob, name: 'Bob', by: roomId === first ? alice : carol }],
        log,
      });
    expect((await rooms.listInvitedBy(alice)).map((room) => room.roomId)).toEqual([first]);
    expect(await rooms.listInvitedBy(bob)).toEqual([]);
    await rooms.dropIndexOf(alice);
    expect(await rooms.listFor(alice)).toEqual([]);
    expect((await rooms.listFor(bob)).length).toBe(2); // others' entries stay
  });

  it('public rooms: browse shows listed rooms only, newest listing first, by name and member count; search and pages', async () => {
    const { rooms } = open();
    const [alice, bob] = [randomId(), randomId()];
    const listed = (name: string, at: number, by = alice, members = [{ userId: by, name: 'Someone' }]) => {
      const roomId = `r${randomId()}`;
      const checked = { name, codes: [[bytes(32, at), by] as [string, string]], hashes: [bytes(32)] };
      const listing = { code: bytes(32, at), secret: 'ab'.repeat(16), by, at };
      return { roomId, members, invited: [], log, checked, listing };
    };
    const hikers = listed('Hikers of Oslo', 1);
    const readers = listed('Quiet Readers', 2, bob);
    const oslo = listed('OSLO Runners', 3);
    const hidden = { ...listed('Oslo Secrets', 4), listing: undefined };
    for (const room of [hikers, readers, oslo, hidden]) expect(await rooms.create(room)).toBe(true);
    const shown = (room: { roomId: string; checked: { name: string } }, members = 1) => ({
      roomId: room.roomId,
      name: room.checked.name,
      members,
    });
    expect(await rooms.browse({ offset: 0, limit: 10 })).toEqual({
      rooms: [shown(oslo), shown(readers), shown(hikers)],
      more: false,
    });
    // A substring of the name as nameKey has it (callers normalise the query the same way).
    expect(await rooms.browse({ text: 'oslo', offset: 0, limit: 10 })).toEqual({
      rooms: [shown(oslo), shown(hikers)],
      more: false,
    });
    expect(await rooms.browse({ text: 'oslo', offset: 0, limit: 1 })).toEqual({
      rooms: [shown(oslo)],
      more: true,
    });
    expect(await rooms.browse({ text: 'oslo', offset: 1, limit: 1 })).toEqual({
      rooms: [shown(hikers)],
      more: false,
    });
    expect(await rooms.browse({ offset: 1, limit: 1 })).toEqual({ rooms: [shown(readers)], more: true });
    expect(await rooms.browse({ text: 'secrets', offset: 0, limit: 10 })).toEqual({ rooms: [], more: false });
    expect(await rooms.listedBy(alice)).toBe(2);
    expect(await rooms.listedBy(bob)).toBe(1);

    // Each change keeps what browsing shows: the member count follows, an unlisted or ended room goes.
    await rooms.update(hikers.roomId, (room) => ({
      ...room,
      members: [...room.members, { userId: bob, name: 'Bob' }],
    }));
    await rooms.update(readers.roomId, (room) => ({ ...room, listing: undefined }));
    await rooms.update(oslo.roomId, () => null);
    expect(await rooms.browse({ offset: 0, limit: 10 })).toEqual({ rooms: [shown(hikers, 2)], more: false });
    expect(await rooms.listedBy(bob)).toBe(0);
    expect(await rooms.listedBy(alice)).toBe(1);
  });

  it('public rooms: listings are counted per user per window, and forgotten with what indexes the user', async () => {
    const { rooms } = open();
    const [alice, bob] = [randomId(), randomId()];
    const hour = 60 * 60 * 1000;
    const start = 1000 * hour;
    expect(await rooms.countListing(alice, start, hour)).toBe(1);
    expect(await rooms.countListing(alice, start + hour - 1, hour)).toBe(2);
    expect(await rooms.countListing(bob, start, hour)).toBe(1);
    expect(await rooms.countListing(alice, start + hour, hour)).toBe(1); // the next window
    await rooms.dropIndexOf(alice);
    expect(await rooms.countListing(alice, start + hour, hour)).toBe(1);
    expect(await rooms.countListing(bob, start, hour)).toBe(2);
  });
});

describe.each(backends)('%s: forgetting a user across the stores', (_name, open) => {
  const log = [
    { op: 'create', subject: 'Hikers', at: 1, actor: bytes(32), prev: '', signature: bytes(64) },
  ] as const;
  const tag = () => randomId().slice(0, 6);

  it('forgetUser leaves them out of every room (one left without members ends), their invitations lapse, their blocks go', async () => {
    const stores = open();
    const [alice, bob, carol, dave] = [randomId(), randomId(), randomId(), randomId()];
    const [own, shared, invitedTo] = [`r${randomId()}`, `r${randomId()}`, `r${randomId()}`];
    const checked = { name: 'Hikers', codes: [[bytes(32), alice] as [string, string]], hashes: [bytes(32)] };
    await stores.rooms.create({ roomId: own, members: [{ userId: alice, name: 'Alice' }], invited: [], log });
    await stores.rooms.create({
      roomId: shared,
      members: [
        { userId: bob, name: 'Bob' },
        { userId: alice, name: 'Alice' },
      ],
      invited: [
        { userId: carol, name: 'Carol', by: alice },
        { userId: dave, name: 'Dave', by: bob },
      ],
      log,
      checked,
    });
    await stores.rooms.create({
      roomId: invitedTo,
      members: [{ userId: bob, name: 'Bob' }],
      invited: [{ userId: alice, name: 'Alice', by: bob }],
      log,
    });
    await stores.accounts.bindName(alice, `Alice${tag()}`);
    await stores.blocks.set(alice, bob, true, 10);
    await stores.blocks.set(carol, alice, true, 10);

    const changed = await forgetUser(stores, alice);
    expect(changed.map(({ before, after }) => [before.roomId, after?.roomId]).sort()).toEqual(
      [
        [own, undefined],
        [shared, shared],
        [invitedTo, invitedTo],
      ].sort(),
    );
    expect(await stores.rooms.get(own)).toBeUndefined();
    expect(await stores.rooms.get(shared)).toMatchObject({
      members: [{ userId: bob, name: 'Bob' }],
      invited: [{ userId: dave, name: 'Dave', by: bob }],
      checked: { codes: [] },
    });
    expect((await stores.rooms.get(invitedTo))?.invited).toEqual([]);
    expect(await stores.rooms.listFor(alice)).toEqual([]);
    expect(await stores.rooms.listFor(carol)).toEqual([]);
    expect(await stores.rooms.counts(alice)).toEqual({ memberOf: 0, invitedTo: 0 });
    expect(await stores.rooms.invitationsBy(alice)).toBe(0);
    expect(await stores.accounts.known(alice)).toBe(false);
    expect(await stores.blocks.blocks(alice, bob)).toBe(false);
    expect(await stores.blocks.blocks(carol, alice)).toBe(false);
    expect(await forgetUser(stores, alice)).toEqual([]); // done twice, the second finds nothing
  });

  it('forgetUser withdraws the listings they made; a listing by someone else stays', async () => {
    const stores = open();
    const [alice, bob] = [randomId(), randomId()];
    const members = [
      { userId: alice, name: 'Alice' },
      { userId: bob, name: 'Bob' },
    ];
    const room = (by: string) => ({
      roomId: `r${randomId()}`,
      members,
      invited: [],
      log,
      checked: { name: 'Hikers', codes: [[bytes(32), by] as [string, string]], hashes: [bytes(32)] },
      listing: { code: bytes(32), secret: 'cd'.repeat(16), by, at: Date.now() },
    });
    const [hers, his] = [room(alice), room(bob)];
    await stores.rooms.create(hers);
    await stores.rooms.create(his);
    await stores.rooms.countListing(alice, Date.now(), 60_000);
    await forgetUser(stores, alice);
    expect((await stores.rooms.get(hers.roomId))?.listing).toBeUndefined();
    expect((await stores.rooms.get(his.roomId))?.listing?.by).toBe(bob);
    expect((await stores.rooms.browse({ offset: 0, limit: 10 })).rooms.map((r) => r.roomId)).toEqual([
      his.roomId,
    ]);
    expect(await stores.rooms.listedBy(alice)).toBe(0);
  });

  it('releaseName frees the name and rooms stop naming them; their key, mail and prekeys stay', async () => {
    const stores = open();
    const [alice, bob, carol] = [randomId(), randomId(), randomId()];
    const name = `Alice${tag()}`;
    const roomId = `r${randomId()}`;
    await stores.accounts.bindName(alice, name, 1_000);
    await stores.rooms.create({
      roomId,
      members: [
        { userId: alice, name },
        { userId: bob, name: 'Bob' },
      ],
      invited: [],
      log,
    });
    await stores.mailbox.put(alice, mail(bob), 10, old);
    await stores.prekeys.publish(alice, identity, signed, [otk(1)], { limit: 10, replace: false });

    expect(await releaseName(stores, alice)).toBe(true);
    expect((await stores.rooms.get(roomId))?.members).toEqual([
      { userId: alice, name: NO_NAME },
      { userId: bob, name: 'Bob' },
    ]);
    expect(await stores.accounts.bindName(carol, name)).toEqual({ ok: true });
    expect(await stores.accounts.firstSeen(alice)).toBe(1_000);
    expect((await stores.mailbox.fetch(alice, page(10), Date.now())).items).toHaveLength(1);
    expect((await stores.prekeys.claim(alice, claimBy(bob)))?.oneTimePrekey).toEqual(otk(1));
  });

  it('releaseInactiveNames, on the clock it is given, releases the names unused for NAME_INACTIVITY_RELEASE_MS', async () => {
    const stores = open();
    const [alice, bob] = [randomId(), randomId()];
    const [aliceName, bobName] = [`Alice${tag()}`, `Bob${tag()}`];
    const start = 1_700_000_000_000;
    const roomId = `r${randomId()}`;
    await stores.accounts.bindName(alice, aliceName, start);
    await stores.accounts.bindName(bob, bobName, start);
    await stores.rooms.create({ roomId, members: [{ userId: alice, name: aliceName }], invited: [], log });
    await stores.accounts.bindName(bob, bobName, start + NAME_INACTIVITY_RELEASE_MS / 2); // bob signs in

    expect(await releaseInactiveNames(stores, start + NAME_INACTIVITY_RELEASE_MS)).toBe(0); // not yet
    expect(await releaseInactiveNames(stores, start + NAME_INACTIVITY_RELEASE_MS + 1)).toBe(1);
    expect(await stores.accounts.lookup(aliceName)).toBeUndefined();
    expect(await stores.accounts.lookup(bobName)).toBe(bob);
    expect((await stores.rooms.get(roomId))?.members).toEqual([{ userId: alice, name: NO_NAME }]);
    expect(await stores.accounts.known(alice)).toBe(true);
  });
});

describe.runIf(withRedis)('Redis accounts from before skeletons were kept', () => {
  it('refuses look-alikes of names bound before, once the first bind has filled in their skeletons', async () => {
    const client = redis()?.client() ?? fail();
    const prefix = `t${randomId()}:`;
    const [alice, bob] = [randomId(), randomId()];
    await client.hset(`${prefix}names`, 'mallory', alice);
    await client.hset(`${prefix}name-of`, alice, 'mallory');
    const { accounts } = createRedisStores(client, TEST_MAILBOX_LIMITS, { prefix });
    expect(await accounts.bindName(bob, 'rnallory')).toEqual({ ok: false, reason: 'look-alike' });
    expect(await accounts.firstSeen(alice)).toBe(0); // named before first-seen was kept: not new
  });
});

describe.runIf(withRedis)('Redis accounts from before last-seen was kept', () => {
  it('count as seen at the first sweep, so the upgrade releases none; released, the key stays known', async () => {
    const client = redis()?.client() ?? fail();
    const prefix = `t${randomId()}:`;
    const alice = randomId();
    await client.hset(`${prefix}names`, 'alice', alice);
    await client.hset(`${prefix}name-of`, alice, 'alice');
    const { accounts } = createRedisStores(client, TEST_MAILBOX_LIMITS, { prefix });
    const upgradedAt = Date.now();
    expect(await accounts.releaseInactive(upgradedAt - 1, 10)).toEqual([]);
    expect(await accounts.releaseInactive(Date.now() + 1, 10)).toEqual([alice]);
    expect(await accounts.known(alice)).toBe(true);
    expect(await accounts.firstSeen(alice)).toBe(0); // named before first-seen was kept: not new
  });
});

describe.runIf(withRedis)('Redis accounts whose skeletons an older nameSkeleton computed', () => {
  it('recomputes them at the first bind, so look-alikes by the new rules are refused', async () => {
    const client = redis()?.client() ?? fail();
    const prefix = `t${randomId()}:`;
    const [alice, bob] = [randomId(), randomId()];
    const [key, oldSkeleton] = ['josé', 'jose\u0301']; // the accent was kept
    await client.hset(`${prefix}names`, key, alice);
    await client.hset(`${prefix}name-of`, alice, key);
    await client.hset(`${prefix}skeletons`, oldSkeleton, alice);
    await client.hset(`${prefix}skeleton-of`, alice, oldSkeleton);
    await client.set(`${prefix}skeletons-filled`, '1');
    const { accounts } = createRedisStores(client, TEST_MAILBOX_LIMITS, { prefix });
    expect(await accounts.bindName(bob, 'Jose')).toEqual({ ok: false, reason: 'look-alike' });
    expect(await client.hget(`${prefix}skeletons`, oldSkeleton)).toBeNull();
  });
});

describe.runIf(withRedis)('Redis presence across processes', () => {
  it('releases the users of a process that stopped beating (killed), and only theirs, with their tokens', async () => {
    if (!redis()) throw new Error('redis-server did not start');
    const prefix = `t${randomId()}:`;
    const open = (processId: string) =>
      createRedisStores(redis()?.client() ?? fail(), TEST_MAILBOX_LIMITS, {
        prefix,
        processId,
        presenceTtlMs: 300,
      }).presence;
    const [doomed, survivor] = [open('doomed'), open('survivor')];
    const [alice, bob, carol] = [user('Alice'), user('Bob'), user('Carol')];
    const [ab, cb] = [bytes(32, 1), bytes(32, 2)];
    await doomed.heartbeat();
    await survivor.heartbeat();
    await doomed.claim(alice, 'a1');
    await doomed.claim(carol, 'c1');
    await survivor.claim(bob, 'b1');
    await doomed.present(alice.userId, 'a1', [ab], true);
    await doomed.present(carol.userId, 'c1', [cb], false); // hidden: nothing to announce
    await survivor.present(bob.userId, 'b1', [ab, cb], true);
    expect(await survivor.shareToken(alice.userId, bob.userId)).toBe(true);
    expect(await survivor.heartbeat()).toEqual([]); // both alive

    await new Promise((resolve) => setTimeout(resolve, 400)); // the doomed process beats no more
    const released = await survivor.heartbeat();
    expect(released).toHaveLength(2);
    expect(released).toEqual(
      expect.arrayContaining([
        { userId: alice.userId, tokens: [ab] },
        { userId: carol.userId, tokens: [] },
      ]),
    );
    expect(await survivor.heartbeat()).toEqual([]); // released once
    expect((await survivor.list()).map((u) => u.name)).toEqual(['Bob']);
    expect(await survivor.shareToken(alice.userId, bob.userId)).toBe(false);
  });
});

describe('the embedded store on disk', () => {
  it('migration 3 gives names held before it their skeletons, senders their usage, and keys an old first-seen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signal-store-'));
    try {
      const [alice, bob] = [randomId(), randomId()];
      const before = openDatabase(dir, MIGRATIONS.slice(0, 2));
      before.prepare('INSERT INTO accounts (name_key, user_id) VALUES (?, ?)').run('mallory', alice);
      before
        .prepare(
          `INSERT INTO mail (mail_id, recipient, sender, message_id, item, size, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(randomId(), bob, alice, randomId(), JSON.stringify(mail(alice)), 40 * 1024, Date.now() + 60_000);
      before.close();

      const after = createEmbeddedStores(openDatabase(dir), TEST_MAILBOX_LIMITS);
      expect(await after.accounts.bindName(bob, 'rnallory')).toEqual({ ok: false, reason: 'look-alike' });
      expect(await after.accounts.firstSeen(alice)).toBe(0);
      // Alice's 40 KiB held before the migration count against her quota as a new sender (48 KiB).
      expect(await after.mailbox.put(randomId(), mail(alice), 10 * 1024, { isNew: true })).toEqual({
        ok: false,
        full: 'new-sender',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migration 6 recomputes skeletons, so look-alikes by the new rules are refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signal-store-'));
    try {
      const [alice, bob] = [randomId(), randomId()];
      const before = openDatabase(dir, MIGRATIONS.slice(0, 5));
      // What the skeleton of "josé" was: the accent kept.
      before
        .prepare('INSERT INTO accounts (name_key, user_id, skeleton) VALUES (?, ?, ?)')
        .run('josé', alice, 'jose\u0301');
      before.close();

      const after = createEmbeddedStores(openDatabase(dir), TEST_MAILBOX_LIMITS);
      expect(await after.accounts.bindName(bob, 'Jose')).toEqual({ ok: false, reason: 'look-alike' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migration 7 keeps when each key was first seen, and counts names bound before it as seen at the upgrade', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signal-store-'));
    try {
      const alice = randomId();
      const before = openDatabase(dir, MIGRATIONS.slice(0, 6));
      before
        .prepare('INSERT INTO accounts (name_key, user_id, skeleton, first_seen) VALUES (?, ?, ?, ?)')
        .run('alice', alice, 'alice', 1_000);
      before.close();

      const upgradedAt = Date.now();
      const after = createEmbeddedStores(openDatabase(dir), TEST_MAILBOX_LIMITS);
      expect(await after.accounts.firstSeen(alice)).toBe(1_000);
      expect(await after.accounts.releaseInactive(upgradedAt - 1, 10)).toEqual([]); // not released by the upgrade
      expect(await after.accounts.lookup('Alice')).toBe(alice);
      expect(await after.accounts.releaseName(alice)).toBe(true);
      expect(await after.accounts.known(alice)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migration 8 adds blocks, and keeps what was stored before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signal-store-'));
    try {
      const [alice, bob] = [randomId(), randomId()];
      const before = openDatabase(dir, MIGRATIONS.slice(0, 7));
      expect(() => before.prepare('SELECT * FROM blocks').all()).toThrow(/no such table/);
      before
        .prepare('INSERT INTO accounts (name_key, user_id, skeleton, last_seen) VALUES (?, ?, ?, ?)')
        .run('alice', alice, 'alice', Date.now());
      before.close();

      const after = createEmbeddedStores(openDatabase(dir), TEST_MAILBOX_LIMITS);
      expect(await after.accounts.lookup('Alice')).toBe(alice);
      expect(await after.blocks.blocks(alice, bob)).toBe(false);
      expect(await after.blocks.set(alice, bob, true, 10)).toEqual({ ok: true, count: 1 });
      expect(await after.blocks.blocks(alice, bob)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migration 9 adds public room listings, and keeps the rooms stored before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signal-store-'));
    try {
      const alice = randomId();
      const roomId = `r${randomId()}`;
      const before = openDatabase(dir, MIGRATIONS.slice(0, 8));
      expect(() => before.prepare('SELECT * FROM room_listings').all()).toThrow(/no such table/);
      const room = { roomId, members: [{ userId: alice, name: 'Alice' }], invited: [], log: roomLog };
      before.prepare('INSERT INTO rooms (room_id, room) VALUES (?, ?)').run(roomId, JSON.stringify(room));
      before.prepare('INSERT INTO room_people (user_id, room_id) VALUES (?, ?)').run(alice, roomId);
      before.close();

      const after = createEmbeddedStores(openDatabase(dir), TEST_MAILBOX_LIMITS);
      expect(await after.rooms.get(roomId)).toEqual(room);
      expect(await after.rooms.browse({ offset: 0, limit: 10 })).toEqual({ rooms: [], more: false });
      const checked = {
        name: 'Hikers',
        codes: [[bytes(32), alice] as [string, string]],
        hashes: [bytes(32)],
      };
      const listing = { code: bytes(32), secret: 'ef'.repeat(16), by: alice, at: 1 };
      await after.rooms.update(roomId, (current) => ({ ...current, checked, listing }));
      expect(await after.rooms.browse({ offset: 0, limit: 10 })).toEqual({
        rooms: [{ roomId, name: 'Hikers', members: 1 }],
        more: false,
      });
      expect(await after.rooms.countListing(alice, 1, 60_000)).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps names, prekeys, mail and blocks across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signal-store-'));
    try {
      const [bob, alice] = [randomId(), randomId()];
      const item = mail(alice);
      const db = openDatabase(dir);
      const before = createEmbeddedStores(db, TEST_MAILBOX_LIMITS);
      await before.accounts.bindName(bob, 'Bob');
      await before.mailbox.put(bob, item, 10, old);
      await before.blocks.set(bob, alice, true, 10);
      db.close();

      const reopened = openDatabase(dir);
      const after = createEmbeddedStores(reopened, TEST_MAILBOX_LIMITS);
      expect(await after.accounts.bindName(alice, 'bob')).toEqual({ ok: false, reason: 'name-taken' });
      expect((await after.mailbox.fetch(bob, page(10), Date.now())).items).toEqual([item]);
      expect(await after.blocks.blocks(bob, alice)).toBe(true);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Stores whose stored values a test overwrites, as another version of the server, or a hand, might. */
interface Tampered {
  readonly stores: Stores;
  readonly reports: Unreadable[];
  room(roomId: string, text: string): Promise<void>;
  mail(to: string, mailId: string, text: string): Promise<void>;
  bundle(userId: string, text: string): Promise<void>;
}
const tampered: [string, () => Tampered][] = [
  [
    'SQLite (embedded)',
    () => {
      const db = openDatabase(':memory:');
      const reports: Unreadable[] = [];
      const stores = createEmbeddedStores(db, TEST_MAILBOX_LIMITS, {
        reportUnreadable: (r) => reports.push(r),
      });
      const run = (sql: string, ...values: string[]) => {
        db.prepare(sql).run(...values);
        return Promise.resolve();
      };
      return {
        stores,
        reports,
        room: (roomId, text) => run('UPDATE rooms SET room = ? WHERE room_id = ?', text, roomId),
        mail: (_to, mailId, text) => run('UPDATE mail SET item = ? WHERE mail_id = ?', text, mailId),
        bundle: (userId, text) =>
          run('UPDATE prekey_bundles SET identity = ? WHERE user_id = ?', text, userId),
      };
    },
  ],
];
if (withRedis) {
  tampered.push([
    'Redis',
    () => {
      const client = redis()?.client() ?? fail();
      const prefix = `t${randomId()}:`;
      const reports: Unreadable[] = [];
      const stores = createRedisStores(client, TEST_MAILBOX_LIMITS, {
        prefix,
        reportUnreadable: (r) => reports.push(r),
      });
      return {
        stores,
        reports,
        room: async (roomId, text) => {
          await client.set(`${prefix}room2:${roomId}`, text);
        },
        mail: async (to, mailId, text) => {
          await client.hset(`${prefix}mail:${to}:items`, mailId, text);
        },
        bundle: async (userId, text) => {
          await client.set(`${prefix}prekeys:${userId}`, text);
        },
      };
    },
  ]);
}

describe.each(tampered)('%s: a stored value that does not parse', (_name, open) => {
  const SECRET = 'secret-content';
  const log = [
    { op: 'create', subject: 'Hikers', at: 1, actor: bytes(32), prev: '', signature: bytes(64) },
  ] as const;

  it('is reported by its key, never its content, and read as absent; the values beside it still read', async () => {
    const { stores, reports, ...overwrite } = open();
    const [alice, bob] = [randomId(), randomId()];
    const [broken, whole] = [`r${randomId()}`, `r${randomId()}`];
    for (const roomId of [broken, whole])
      await stores.rooms.create({ roomId, members: [{ userId: alice, name: 'Alice' }], invited: [], log });
    await overwrite.room(broken, JSON.stringify({ roomId: broken, members: SECRET, invited: [], log }));
    expect(await stores.rooms.get(broken)).toBeUndefined();
    expect(await stores.rooms.update(broken, (room) => room)).toBeUndefined();
    expect((await stores.rooms.listFor(alice)).map((room) => room.roomId)).toEqual([whole]);

    const [lost, kept] = [mail(alice), mail(alice)];
    await stores.mailbox.put(bob, lost, 10, old);
    await stores.mailbox.put(bob, kept, 10, old);
    await overwrite.mail(bob, lost.mailId, `{ not JSON: ${SECRET}`);
    expect((await stores.mailbox.fetch(bob, page(10), Date.now())).items).toEqual([kept]);

    await stores.prekeys.publish(bob, identity, signed, [otk(1)], { limit: 10, replace: false });
    await overwrite.bundle(bob, JSON.stringify({ signingKey: SECRET }));
    expect(await stores.prekeys.claim(bob, claimBy(randomId()))).toBeUndefined();

    for (const id of [broken, lost.mailId, bob])
      expect(reports.some(({ key }) => key.includes(id))).toBe(true);
    expect(reports.find(({ key }) => key.includes(lost.mailId))?.problem).toBe('not JSON');
    expect(reports.find(({ key }) => key.includes(broken))?.problem).toMatch(/^members: /);
    expect(JSON.stringify(reports)).not.toContain(SECRET);
  });
});

describe.runIf(withRedis)('Redis presence entry that does not parse', () => {
  it('is reported and left out of the list and the heartbeat', async () => {
    const client = redis()?.client() ?? fail();
    const prefix = `t${randomId()}:`;
    const reports: Unreadable[] = [];
    const { presence } = createRedisStores(client, TEST_MAILBOX_LIMITS, {
      prefix,
      reportUnreadable: (r) => reports.push(r),
    });
    const [alice, mallory] = [user('Alice'), randomId()];
    await presence.heartbeat();
    await presence.claim(alice, 's1');
    await client.hset(
      `${prefix}presence`,
      mallory,
      JSON.stringify({ user: { userId: mallory }, sessionId: 's2' }),
    );
    expect((await presence.list()).map((u) => u.name)).toEqual(['Alice']);
    expect(await presence.heartbeat()).toEqual([]);
    expect(reports.map(({ key }) => key)).toEqual([
      `${prefix}presence ${mallory}`,
      `${prefix}presence ${mallory}`,
    ]);
  });
});
