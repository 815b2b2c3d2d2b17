import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import { DEFAULT_DOOR_CONFIG } from '../../signal-server/src/config';
import { createIdentityKeys, userIdOfKeys } from '../../extension/lib/crypto/identity';
import { bigSealed, doorClients, tcpOf } from '../support/door-clients';
import { signIn } from '../support/identity';
import { startTestServer, type TestServer } from '../support/server';
import { TEST_MAILBOX_LIMITS } from '../support/stores';

let server: TestServer;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server.close();
});

const MiB = 1024 * 1024;
/** Mailboxes roomy enough for the test's messages. */
const ROOMY_MAILBOX = {
  ...TEST_MAILBOX_LIMITS,
  maxMessages: 200,
  maxFromOneSender: 200,
  maxBytes: 64 * MiB,
  maxBytesFromSender: 64 * MiB,
  newSender: { ...TEST_MAILBOX_LIMITS.newSender, maxMessages: 200, maxBytes: 64 * MiB },
  maxTotalBytes: 256 * MiB,
};

const { client } = doorClients(() => server.url, cleanups);

/** Bob (keys returned) and Alice, signed in; Alice has sent Bob `count` big messages. */
async function aliceAndBob(count: number) {
  const bobKeys = createIdentityKeys();
  const bob = await client();
  expect((await signIn(bob, 'Bob', bobKeys)).ok).toBe(true);
  const alice = await client();
  expect((await signIn(alice, 'Alice')).ok).toBe(true);
  const send = () =>
    alice.emitWithAck('mail:send', { to: userIdOfKeys(bobKeys), id: randomId(), message: bigSealed() });
  for (let i = 0; i < count; i++) expect((await send()).ok).toBe(true);
  return { alice, bob, send };
}

describe('mail:fetch', () => {
  it('serves one page at a time per socket: a second request while one is on its way is refused', async () => {
    server = await startTestServer({ mailbox: ROOMY_MAILBOX });
    const { bob } = await aliceAndBob(6);
    const [first, second, third] = await Promise.all([
      bob.emitWithAck('mail:fetch', {}),
      bob.emitWithAck('mail:fetch', {}),
      bob.emitWithAck('mail:fetch', {}),
    ]);
    expect(first.ok).toBe(true);
    for (const refused of [second, third]) {
      expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.RateLimited } });
      if (!refused.ok) expect(refused.error.message).toContain('wait for its answer');
    }
    // Once the page has arrived, the next request is served (the same unacknowledged page).
    const again = await bob.emitWithAck('mail:fetch', {});
    expect(again.ok).toBe(true);
    if (first.ok && again.ok)
      expect(again.data.items.map((item) => item.mailId)).toEqual(
        first.data.items.map((item) => item.mailId),
      );
  });
});

describe('outgoing queues, all sockets together', () => {
  it('cuts off the socket holding the most once all queues pass MAX_QUEUED_BYTES_TOTAL', async () => {
    server = await startTestServer({
      door: { ...DEFAULT_DOOR_CONFIG, maxQueuedBytesPerSocket: 64 * MiB, maxQueuedBytesTotal: MiB },
      mailbox: ROOMY_MAILBOX,
    });
    const { alice, bob, send } = await aliceAndBob(0);
    const bystander = await client();
    expect((await signIn(bystander, 'Bystander')).ok).toBe(true);
    const bobSocketId = [...server.app.io.sockets.sockets.values()].find(
      (socket) => socket.data.user?.name === 'Bob',
    )?.id;
    expect(bobSocketId).toBeDefined();

    // Bob stops reading; every message Alice sends is pushed to him (mail:new) and piles up: far under his own
    // bound (64 MiB), but over the process's (1 MiB) once the kernel's buffers are full.
    const cutLog = 'outgoing queues over the process-wide bound; cut off the socket holding the most';
    const cut = (): boolean => server.logs.join('\n').includes(cutLog);
    tcpOf(bob).pause();
    for (let i = 0; i < 120 && !cut(); i++) {
      const sent = await send();
      // Alice's own byte budget (MAX_SOCKET_BYTES_PER_SECOND) may refuse a send: wait for the next second, again.
      if (!sent.ok && sent.error.code === ErrorCode.RateLimited) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        i -= 1;
        continue;
      }
      expect(sent.ok).toBe(true);
    }
    await vi.waitFor(() => expect(cut()).toBe(true), { timeout: 5_000 });
    await vi.waitFor(() => expect(server.app.io.sockets.sockets.has(bobSocketId ?? '')).toBe(false));
    // Alice and the bystander, who read, are served as before.
    expect((await alice.emitWithAck('ice:servers', {})).ok).toBe(true);
    expect((await bystander.emitWithAck('ice:servers', {})).ok).toBe(true);
  }, 60_000); // up to 120 sends of ~96 KiB each: seconds on a busy two-core machine
});
