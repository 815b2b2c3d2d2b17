import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomId } from '../../shared/ids';
import type { MailItem } from '../../shared/protocol/mailbox';
import type { SealedMessage } from '../../shared/protocol/envelope';
import { createEmbeddedStores, createRedisStores, type Stores } from '../../signal-server/src/stores';
import { openDatabase } from '../../signal-server/src/stores/sqlite/database';
import { redisAvailable, startRedis, type TestRedis } from '../support/redis';
import { TEST_MAILBOX_LIMITS, memoryStores } from '../support/stores';

const fail = (): never => {
  throw new Error('redis-server did not start');
};
const user = (name: string) => ({ userId: randomId(), name, signingKey: 'key' });
const sealed = (padding = 0): SealedMessage => ({
  v: 1,
  session: 'A'.repeat(43),
  envelope: { v: 1, header: { dh: 'B'.repeat(43), pn: 0, n: 0 }, ciphertext: 'C'.repeat(24 + padding) },
});
const mail = (from: string, storedAt = Date.now(), padding = 0): MailItem => ({
  mailId: randomId(),
  from,
  id: randomId(),
  message: sealed(padding),
  storedAt,
});

let redis: TestRedis | undefined;
const withRedis = redisAvailable();
beforeAll(async () => {
  if (withRedis) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const backends: [string, () => Stores][] = [['SQLite (embedded)', memoryStores]];
if (withRedis) {
  backends.push([
    'Redis',
    () => {
      if (!redis) throw new Error('redis-server did not start');
      return createRedisStores(redis.client(), TEST_MAILBOX_LIMITS, { prefix: `t${randomId()}:` });
    },
  ]);
}

describe.each(backends)('%s stores', (_name, open) => {
  it('presence: lists users until their session ends; a newer session replaces an older one', async () => {
    const { presence } = open();
    const [alice, bob] = [user('Alice'), user('Bob')];
    expect(await presence.claim(alice, 's1')).toEqual({});
    await presence.claim(bob, 'old');
    expect(await presence.claim(bob, 'new')).toEqual({ replaced: 'old' });
    expect(await presence.release(bob.userId, 'old')).toBe(false);
    expect((await presence.list()).map((u) => u.name).sort()).toEqual(['Alice', 'Bob']);
    expect(await presence.release(alice.userId, 's1')).toBe(true);
    expect(await presence.count()).toBe(1);
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

  it('prekeys: each one-time prekey is handed out once, up to the limit; replace drops the old ones', async () => {
    const { prekeys } = open();
    const bob = randomId();
    const identity = { signingKey: 's', exchangeKey: 'x', exchangeKeySignature: 'sig' };
    const signed = { id: 1, key: 'k', signature: 'sig' };
    const otk = (id: number) => ({ id, key: `key${id}` });
    expect(
      await prekeys.publish(bob, identity, signed, [otk(1), otk(2), otk(2), otk(3)], {
        limit: 2,
        replace: false,
      }),
    ).toBe(2);
    expect(await prekeys.publish(bob, identity, signed, [otk(3)], { limit: 3, replace: false })).toBe(3);
    expect((await prekeys.claim(bob))?.oneTimePrekey).toEqual(otk(1));
    expect(await prekeys.publish(bob, identity, signed, [otk(9)], { limit: 3, replace: true })).toBe(1);
    expect(await prekeys.claim(bob)).toEqual({ identity, signedPrekey: signed, oneTimePrekey: otk(9) });
    expect(await prekeys.claim(bob)).toEqual({ identity, signedPrekey: signed });
    expect(await prekeys.claim(randomId())).toBeUndefined();
  });

  it('mailbox: holds messages in order until acknowledged; a message sent twice is held once', async () => {
    const { mailbox } = open();
    const [bob, alice] = [randomId(), randomId()];
    const items = [mail(alice), mail(alice), mail(alice)];
    for (const item of items)
      expect(await mailbox.put(bob, item, 100)).toMatchObject({ ok: true, mailId: item.mailId });
    const again = await mailbox.put(bob, { ...items[0], mailId: randomId() } as MailItem, 100);
    expect(again).toMatchObject({ ok: true, mailId: items[0]?.mailId });

    const first = await mailbox.fetch(bob, 2, Date.now());
    expect(first).toEqual({ items: items.slice(0, 2), more: true });
    expect(
      await mailbox.ack(
        bob,
        first.items.map((item) => item.mailId),
      ),
    ).toBe(2);
    expect(await mailbox.ack(randomId(), [items[2]?.mailId ?? ''])).toBe(0); // only the recipient's own mail
    expect(await mailbox.fetch(bob, 10, Date.now())).toEqual({ items: items.slice(2), more: false });
  });

  it('mailbox: refuses past each quota, and a message past its time-to-live is gone', async () => {
    const { mailbox } = open();
    const [bob, alice, carol] = [randomId(), randomId(), randomId()];
    const { maxFromOneSender, maxMessages, maxBytes, ttlMs } = TEST_MAILBOX_LIMITS;
    for (let i = 0; i < maxFromOneSender; i++) await mailbox.put(bob, mail(alice), 10);
    expect(await mailbox.put(bob, mail(alice), 10)).toEqual({ ok: false, full: 'sender' });
    expect(await mailbox.put(bob, mail(carol), maxBytes)).toEqual({ ok: false, full: 'bytes' });
    for (let i = maxFromOneSender; i < maxMessages; i++) await mailbox.put(bob, mail(randomId()), 10);
    expect(await mailbox.put(bob, mail(carol), 10)).toEqual({ ok: false, full: 'messages' });

    const dave = randomId();
    const old = mail(alice, Date.now() - ttlMs - 1);
    await mailbox.put(dave, old, 10);
    await mailbox.put(dave, mail(alice), 10);
    expect((await mailbox.fetch(dave, 10, Date.now())).items).toHaveLength(1);
    await mailbox.put(dave, mail(carol, Date.now() - ttlMs - 1), 10);
    expect(await mailbox.purgeExpired(Date.now())).toBeGreaterThanOrEqual(1);
    expect((await mailbox.fetch(dave, 10, Date.now())).items.map((item) => item.from)).toEqual([alice]);
  });
});

describe.each(backends)('%s room store', (_name, open) => {
  it('keeps rooms per person, applies concurrent changes without losing one, and deletes', async () => {
    const { rooms } = open();
    const [alice, bob, carol] = [randomId(), randomId(), randomId()];
    const roomId = `r${randomId()}`;
    await rooms.create({
      roomId,
      name: 'Hikers',
      members: [{ userId: alice, name: 'Alice' }],
      invited: [],
      inviteToken: randomId(),
    });
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
});

describe.runIf(withRedis)('Redis presence across processes', () => {
  it('releases the users of a process that stopped beating (killed), and only theirs', async () => {
    if (!redis) throw new Error('redis-server did not start');
    const prefix = `t${randomId()}:`;
    const open = (processId: string) =>
      createRedisStores(redis?.client() ?? fail(), TEST_MAILBOX_LIMITS, {
        prefix,
        processId,
        presenceTtlMs: 300,
      }).presence;
    const [doomed, survivor] = [open('doomed'), open('survivor')];
    const [alice, bob] = [user('Alice'), user('Bob')];
    await doomed.heartbeat();
    await survivor.heartbeat();
    await doomed.claim(alice, 'a1');
    await survivor.claim(bob, 'b1');
    expect(await survivor.heartbeat()).toEqual([]); // both alive

    await new Promise((resolve) => setTimeout(resolve, 400)); // the doomed process beats no more
    expect(await survivor.heartbeat()).toEqual([alice.userId]);
    expect(await survivor.heartbeat()).toEqual([]); // released once
    expect((await survivor.list()).map((u) => u.name)).toEqual(['Bob']);
  });
});

describe('the embedded store on disk', () => {
  it('keeps names, prekeys and mail across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signal-store-'));
    try {
      const [bob, alice] = [randomId(), randomId()];
      const item = mail(alice);
      const db = openDatabase(dir);
      const before = createEmbeddedStores(db, TEST_MAILBOX_LIMITS);
      await before.accounts.bindName(bob, 'Bob');
      await before.mailbox.put(bob, item, 10);
      db.close();

      const reopened = openDatabase(dir);
      const after = createEmbeddedStores(reopened, TEST_MAILBOX_LIMITS);
      expect(await after.accounts.bindName(alice, 'bob')).toEqual({ ok: false, reason: 'name-taken' });
      expect((await after.mailbox.fetch(bob, 10, Date.now())).items).toEqual([item]);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
