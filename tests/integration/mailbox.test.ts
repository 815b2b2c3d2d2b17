import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBytes } from '../../shared/crypto/identity';
import { randomId } from '../../shared/ids';
import type { SealedMessage } from '../../shared/protocol/envelope';
import { createIdentityKeys, userIdOfKeys, type IdentityKeys } from '../../extension/lib/crypto/identity';
import { signIn } from '../support/identity';
import { connect, next, startTestServer, useTestServer, type TestClient } from '../support/server';
import { TEST_MAILBOX_LIMITS } from '../support/stores';

const key = (fill: number): string => encodeBytes(new Uint8Array(32).fill(fill));
const sealed = (): SealedMessage => ({
  v: 1,
  session: key(1),
  envelope: { v: 1, header: { dh: key(2), pn: 0, n: 0 }, ciphertext: key(3) },
});

const fixture = useTestServer();

/** A user who has used the server once (mail is only taken for such), then went offline. */
async function registered(url: string, name: string): Promise<IdentityKeys> {
  const keys = createIdentityKeys();
  const socket = await connect(url);
  await signIn(socket, name, keys);
  socket.close();
  return keys;
}

describe('the mailbox over Socket.IO', () => {
  it('holds mail for an offline user until they fetch and acknowledge it; the server sets the sender', async () => {
    const bobKeys = await registered(fixture.server.url, 'Bob');
    const bobId = userIdOfKeys(bobKeys);
    const alice = await fixture.client();
    const aliceId = (await signIn(alice, 'Alice')).ok ? undefined : 'failed';
    expect(aliceId).toBeUndefined();
    const id = randomId();
    const accepted = await alice.emitWithAck('mail:send', { to: bobId, id, message: sealed() });
    expect(accepted).toMatchObject({ ok: true });
    // Sending the same message again (a lost acknowledgement) holds it once.
    const again = await alice.emitWithAck('mail:send', { to: bobId, id, message: sealed() });
    expect(again.ok && accepted.ok && again.data.mailId).toBe(accepted.ok && accepted.data.mailId);

    const bob = await fixture.client();
    await signIn(bob, 'Bob', bobKeys);
    const batch = await bob.emitWithAck('mail:fetch', {});
    expect(batch.ok && batch.data.items.map((item) => [item.id, item.message])).toEqual([[id, sealed()]]);
    const item = batch.ok ? batch.data.items[0] : undefined;
    expect(item?.from).toMatch(/^[0-9a-f]{32}$/);
    expect(await alice.emitWithAck('mail:ack', { mailIds: [item?.mailId ?? ''] })).toEqual({
      ok: true,
      data: { deleted: 0 }, // not Alice's mail to acknowledge
    });
    expect(await bob.emitWithAck('mail:ack', { mailIds: [item?.mailId ?? ''] })).toEqual({
      ok: true,
      data: { deleted: 1 },
    });
    expect(await bob.emitWithAck('mail:fetch', {})).toEqual({ ok: true, data: { items: [], more: false } });
  });

  it('pushes mail to a recipient who is online (the relay path)', async () => {
    const bobKeys = createIdentityKeys();
    const bob = await fixture.client();
    await signIn(bob, 'Bob', bobKeys);
    const alice = await fixture.client();
    const started = await signIn(alice, 'Alice');
    const pushed = next(bob, 'mail:new');
    const id = randomId();
    await alice.emitWithAck('mail:send', { to: userIdOfKeys(bobKeys), id, message: sealed() });
    expect(await pushed).toMatchObject({
      id,
      from: started.ok && started.data.self.userId,
      message: sealed(),
    });
  });

  it('refuses mail past the quota with a clear error, and mail before a session or to oneself', async () => {
    const alice = await fixture.client();
    const to = userIdOfKeys(await registered(fixture.server.url, 'Bob'));
    expect(await alice.emitWithAck('mail:send', { to, id: randomId(), message: sealed() })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    const started = await signIn(alice, 'Alice');
    // Nobody with a made-up id: it cannot claim a mailbox's worth of storage.
    const unknown = await alice.emitWithAck('mail:send', {
      to: randomId(),
      id: randomId(),
      message: sealed(),
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
    for (let i = 0; i < TEST_MAILBOX_LIMITS.maxFromOneSender; i++)
      await alice.emitWithAck('mail:send', { to, id: randomId(), message: sealed() });
    const refused = await alice.emitWithAck('mail:send', { to, id: randomId(), message: sealed() });
    expect(refused).toMatchObject({ ok: false, error: { code: 'quota-exceeded' } });
    expect(refused.ok || refused.error.message).toMatch(
      /mailbox on the server holds as many of your messages/,
    );
    const self = started.ok ? started.data.self.userId : '';
    expect(
      await alice.emitWithAck('mail:send', { to: self, id: randomId(), message: sealed() }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const malformed = await alice.emitWithAck('mail:send', {
      to,
      id: randomId(),
      message: { ...sealed(), envelope: 'plaintext' } as never,
    });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });

  it('hands out no ICE servers by default', async () => {
    const alice = await fixture.client();
    await signIn(alice, 'Alice');
    const ice = await alice.emitWithAck('ice:servers', {});
    expect(ice.ok && ice.data.iceServers).toEqual([]);
  });
});

describe('the mailbox across a server restart', () => {
  const dirs: string[] = [];
  const sockets: TestClient[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers mail held by the embedded store after the server restarted on the same data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'signal-restart-'));
    dirs.push(dataDir);
    const first = await startTestServer({ dataDir });
    const bobKeys = await registered(first.url, 'Bob');
    const alice = await connect(first.url);
    sockets.push(alice);
    await signIn(alice, 'Alice');
    const id = randomId();
    await alice.emitWithAck('mail:send', { to: userIdOfKeys(bobKeys), id, message: sealed() });
    await first.close();

    const second = await startTestServer({ dataDir, port: first.port });
    try {
      const bob = await connect(second.url);
      sockets.push(bob);
      await signIn(bob, 'Bob', bobKeys);
      const batch = await bob.emitWithAck('mail:fetch', {});
      expect(batch.ok && batch.data.items.map((item) => item.id)).toEqual([id]);
    } finally {
      await second.close();
    }
  });
});
