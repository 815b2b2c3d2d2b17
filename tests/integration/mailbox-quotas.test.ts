import { afterEach, describe, expect, it } from 'vitest';
import { encodeBytes } from '../../shared/crypto/identity';
import { randomId } from '../../shared/ids';
import { MAX_ENVELOPE_CIPHERTEXT_LENGTH, MAX_MAIL_FETCH, MAX_MAIL_FETCH_BYTES } from '../../shared/limits';
import type { SealedMessage } from '../../shared/protocol/envelope';
import { createIdentityKeys, userIdOfKeys, type IdentityKeys } from '../../extension/lib/crypto/identity';
import type { MailboxLimits } from '../../signal-server/src/stores/mailbox';
import { signIn } from '../support/identity';
import { connect, startTestServer, type TestClient, type TestServer } from '../support/server';
import { TEST_MAILBOX_LIMITS } from '../support/stores';

const key = (fill: number): string => encodeBytes(new Uint8Array(32).fill(fill));
/** A sealed message whose ciphertext is `length` base64url characters. */
const sealed = (length = 43): SealedMessage => ({
  v: 1,
  session: key(1),
  envelope: { v: 1, header: { dh: key(2), pn: 0, n: 0 }, ciphertext: 'A'.repeat(length) },
});
const DAY_MS = 24 * 60 * 60 * 1000;

let server: TestServer | undefined;
const sockets: TestClient[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await server?.close();
  server = undefined;
});

async function serve(mailbox: Partial<MailboxLimits>): Promise<TestServer> {
  server = await startTestServer({ mailbox: { ...TEST_MAILBOX_LIMITS, ...mailbox } });
  return server;
}

/** Signs in a key (new unless given) as `name`, and keeps the socket open until the test ends. */
async function online(name: string, keys: IdentityKeys = createIdentityKeys()) {
  const socket = await connect(server?.url ?? '');
  sockets.push(socket);
  expect((await signIn(socket, name, keys)).ok).toBe(true);
  return { socket, keys, userId: userIdOfKeys(keys) };
}

/** Users the mailbox takes mail for (they have signed in once), offline. */
async function recipients(count: number): Promise<string[]> {
  const ids = [];
  for (let i = 0; i < count; i++) {
    const { socket, userId } = await online(`Reader${i}`);
    socket.close();
    ids.push(userId);
  }
  return ids;
}

/** Sends `count` messages round the recipients; resolves each outcome (true, or the error message). */
async function sendAll(from: TestClient, to: readonly string[], count: number, length?: number) {
  const outcomes: (true | string)[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await from.emitWithAck('mail:send', {
      to: to[i % to.length] ?? '',
      id: randomId(),
      message: sealed(length),
    });
    outcomes.push(answer.ok || `${answer.error.code}: ${answer.error.message}`);
  }
  return outcomes;
}

describe('mail:fetch pages', () => {
  it('holds a page to MAX_MAIL_FETCH_BYTES: more stays true, and the rest comes on the next fetch', async () => {
    const room = 4 * MAX_MAIL_FETCH_BYTES;
    await serve({
      maxBytes: room,
      maxMessages: MAX_MAIL_FETCH,
      maxFromOneSender: MAX_MAIL_FETCH,
      maxBytesFromSender: room,
      maxTotalBytes: room,
    });
    const bobKeys = createIdentityKeys();
    const bobId = userIdOfKeys(bobKeys);
    (await online('Bob', bobKeys)).socket.close();
    // An old sender, so the new sender's quota does not apply.
    const aliceKeys = createIdentityKeys();
    await server?.stores.accounts.bindName(userIdOfKeys(aliceKeys), 'Alice', Date.now() - 2 * DAY_MS);
    const alice = await online('Alice', aliceKeys);
    const count = 12; // 12 full-size messages: more than 1 MiB, fewer than MAX_MAIL_FETCH
    const sent = await sendAll(alice.socket, [bobId], count, MAX_ENVELOPE_CIPHERTEXT_LENGTH);
    expect(sent.filter((outcome) => outcome !== true)).toEqual([]);

    const bob = await online('Bob', bobKeys);
    const first = await bob.socket.emitWithAck('mail:fetch', {});
    const items = first.ok ? first.data.items : [];
    expect(first.ok && first.data.more).toBe(true);
    expect(items.length).toBeLessThan(count);
    expect(JSON.stringify(items.map((item) => item.message)).length).toBeLessThanOrEqual(
      MAX_MAIL_FETCH_BYTES,
    );
    await bob.socket.emitWithAck('mail:ack', { mailIds: items.map((item) => item.mailId) });
    const rest = await bob.socket.emitWithAck('mail:fetch', {});
    expect(rest.ok && [rest.data.items.length + items.length, rest.data.more]).toEqual([count, false]);
  });
});

describe('mailbox quotas per sender and overall', () => {
  it('holds a new key to a small quota across all recipients; once it has been around, to the normal one', async () => {
    const { newSender, maxFromOneSender } = TEST_MAILBOX_LIMITS;
    await serve({});
    const to = await recipients(3);
    const fresh = await online('Fresh');
    const outcomes = await sendAll(fresh.socket, to, newSender.maxMessages + 1);
    expect(outcomes.slice(0, -1).every((outcome) => outcome === true)).toBe(true);
    expect(outcomes.at(-1)).toMatch(/^quota-exceeded: Your key is new on this server/);

    // A key first seen two days ago (recorded through the store, as its first sign-in would).
    const oldKeys = createIdentityKeys();
    await server?.stores.accounts.bindName(userIdOfKeys(oldKeys), 'Old', Date.now() - 2 * DAY_MS);
    const old = await online('Old', oldKeys);
    const allowed = maxFromOneSender * to.length; // only each recipient's share for one sender stops it
    expect(allowed).toBeGreaterThan(newSender.maxMessages + 1);
    const more = await sendAll(old.socket, to, allowed + 1);
    expect(more.slice(0, -1).every((outcome) => outcome === true)).toBe(true);
    expect(more.at(-1)).toMatch(
      /^quota-exceeded: The recipient's mailbox on the server holds as many of your/,
    );
  });

  it('refuses mail past the whole mailbox cap, however many new keys send it', async () => {
    const chunk = 8 * 1024; // characters of ciphertext per message
    const maxTotalBytes = 160 * 1024;
    await serve({ maxTotalBytes });
    const to = await recipients(4);
    const outcomes: (true | string)[] = [];
    for (let i = 0; i < 8; i++) {
      const sender = await online(`Sender${i}`);
      // Each stays within its new-sender quota (48 KiB here); together they would hold twice the cap.
      outcomes.push(...(await sendAll(sender.socket, to, 4, chunk)));
    }
    const accepted = outcomes.filter((outcome) => outcome === true).length;
    expect(accepted * chunk).toBeLessThanOrEqual(maxTotalBytes);
    expect(accepted).toBeGreaterThan(0);
    const refused = outcomes.filter((outcome) => outcome !== true);
    expect(refused.length).toBe(outcomes.length - accepted);
    expect(new Set(refused)).toEqual(
      new Set([
        "quota-exceeded: The server's mailbox storage is full; try again later (its operator can raise MAILBOX_TOTAL_MAX_BYTES)",
      ]),
    );
  });
});
