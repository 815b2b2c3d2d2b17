import type { Socket as NetSocket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../shared/ids';
import { DEFAULT_DOOR_CONFIG } from '../../signal-server/src/config';
import { createIdentityKeys, userIdOfKeys } from '../../extension/lib/crypto/identity';
import { bigSealed, doorClients, tcpOf } from '../support/door-clients';
import { signIn } from '../support/identity';
import type { PeerjsSocket } from '../support/peerjs-socket';
import { newToken } from '../support/presence-tokens';
import { startTestServer, type TestServer } from '../support/server';
import { TEST_MAILBOX_LIMITS } from '../support/stores';

/** Small for the test; the kernel's socket buffers (a few MiB on loopback) fill first, then this. */
const MAX_QUEUED = 512 * 1024;

let server: TestServer;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server.close();
});

const { client, signedInPeer } = doorClients(() => server.url, cleanups);

/** The server's log lines whose `msg` is `message`, parsed. */
function logged(message: string): { queuedBytes: number }[] {
  return server.logs
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes(message))
    .map((line) => JSON.parse(line) as { queuedBytes: number });
}

describe('outgoing buffers', () => {
  it('cuts off a Socket.IO client that asks for mail again and again without reading', async () => {
    server = await startTestServer({
      door: { ...DEFAULT_DOOR_CONFIG, maxQueuedBytesPerSocket: MAX_QUEUED },
      mailbox: {
        ...TEST_MAILBOX_LIMITS,
        maxMessages: 100,
        maxFromOneSender: 100,
        maxBytes: 8 * 1024 * 1024,
        maxBytesFromSender: 8 * 1024 * 1024,
        newSender: { ...TEST_MAILBOX_LIMITS.newSender, maxMessages: 100, maxBytes: 8 * 1024 * 1024 },
        maxTotalBytes: 64 * 1024 * 1024,
      },
    });
    const bobKeys = createIdentityKeys();
    const bob = await client();
    expect((await signIn(bob, 'Bob', bobKeys)).ok).toBe(true);
    const alice = await client();
    expect((await signIn(alice, 'Alice')).ok).toBe(true);
    for (let i = 0; i < 10; i++) {
      const sent = await alice.emitWithAck('mail:send', {
        to: userIdOfKeys(bobKeys),
        id: randomId(),
        message: bigSealed(),
      });
      expect(sent.ok).toBe(true);
    }

    // Bob stops reading, and keeps asking for the same ~1 MiB page: far more than the kernel and the limit hold.
    tcpOf(bob).pause();
    const PAGE_REQUESTS = 40;
    for (let i = 0; i < PAGE_REQUESTS; i++) bob.emit('mail:fetch', {}, () => undefined);

    await vi.waitFor(() => expect(logged('socket does not read what it is sent; cut off')).toHaveLength(1), {
      timeout: 15_000,
      interval: 100,
    });
    // The server queued at most the limit plus the one page that crossed it, then let go of Bob.
    const [cut] = logged('socket does not read what it is sent; cut off');
    expect(cut?.queuedBytes).toBeLessThanOrEqual(MAX_QUEUED + 1024 * 1024 + 64 * 1024);
    await vi.waitFor(() => expect(server.app.io.sockets.sockets.has(bob.id ?? '')).toBe(false));
    // Everyone else is served as before.
    expect((await alice.emitWithAck('ice:servers', {})).ok).toBe(true);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('terminates a PeerJS peer that answers heartbeats but never reads, and drops what is sent to it', async () => {
    server = await startTestServer({ door: { ...DEFAULT_DOOR_CONFIG, maxQueuedBytesPerSocket: MAX_QUEUED } });
    const token = newToken(); // the senders are all the victim's contacts: their offers are relayed
    const signedIn = async (name: string): Promise<PeerjsSocket> => (await signedInPeer(name, [token])).peer;
    const victimId = { current: '' };
    const slow = await signedIn('Slow');
    victimId.current = new URL(slow.ws.url).searchParams.get('id') ?? '';
    const slowClosed = new Promise<void>((resolve) => slow.ws.once('close', () => resolve()));
    (slow.ws as unknown as { _socket: NetSocket })._socket.pause(); // `ws` keeps its TCP socket untyped
    const heartbeat = setInterval(() => slow.send({ type: 'HEARTBEAT' }), 1_000);
    cleanups.push(() => clearInterval(heartbeat));

    const senders = await Promise.all(['S1', 'S2', 'S3', 'S4'].map(signedIn));
    const offer = { type: 'OFFER', dst: victimId.current, payload: { sdp: 'x'.repeat(60 * 1024) } };
    // Each sender stays within its own budget (frames and bytes a second); together they outrun any reader.
    let cut = false;
    for (let round = 0; round < 12 && !cut; round++) {
      for (const sender of senders) for (let i = 0; i < 12; i++) sender.send(offer);
      await new Promise((resolve) => setTimeout(resolve, 1_050));
      cut = logged('peerjs socket does not read what it is sent; cut off').length > 0;
    }
    expect(cut).toBe(true);
    const [entry] = logged('peerjs socket does not read what it is sent; cut off');
    expect(entry?.queuedBytes).toBeLessThanOrEqual(MAX_QUEUED);
    // The senders were not cut off: the next offer to the (now gone) peer comes back as EXPIRE.
    for (const sender of senders) expect(sender.ws.readyState).toBe(sender.ws.OPEN);
    (slow.ws as unknown as { _socket: NetSocket })._socket.resume();
    await slowClosed;
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
