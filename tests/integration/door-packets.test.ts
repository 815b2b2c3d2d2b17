import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { connect as connectTcp } from 'node:net';
import { MAX_SIGNAL_FRAME_BYTES } from '../../shared/limits';
import { PEERJS_PATH } from '../../shared/protocol/socket';
import { signIn } from '../support/identity';
import { openRawSocketIo } from '../support/raw-socketio';
import { connect, startTestServer, type TestServer } from '../support/server';
import { startServerProcess, type ServerProcess } from '../support/server-process';

/** Socket.IO event packets whose event name is no string: Socket.IO's parser lets the first three through. */
const NAMELESS = [
  '42',
  '421',
  '42[0]',
  '423[7,{"x":1}]',
  '42[1.5]',
  '42[{}]',
  '42[null]',
  '42[[]]',
  '42[true]',
];

/** A client-to-server WebSocket text frame, masked as the protocol requires, built by hand (RFC 6455 5.2). */
function maskedTextFrame(payload: Buffer): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const length =
    payload.length < 126
      ? Buffer.from([0x80 | payload.length])
      : payload.length < 65_536
        ? Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff])
        : Buffer.concat([
            Buffer.from([0x80 | 127]),
            Buffer.from(new BigUint64Array([BigInt(payload.length)]).buffer).reverse(),
          ]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from([0x81]), length, mask, masked]);
}

/**
 * Asks for a PeerJS socket the server refuses (wrong key, no ticket) and sends `frame` in the same TCP write as
 * the upgrade, so it arrives before the client could even see the refusal. Resolves when the server closes.
 */
async function refusedPeerjsSending(serverUrl: string, frame: Buffer): Promise<void> {
  const { port } = new URL(serverUrl);
  const socket = connectTcp(Number(port), '127.0.0.1');
  socket.on('error', () => undefined); // our side may see a reset; the server is what is under test
  socket.on('data', () => undefined);
  const request =
    `GET ${PEERJS_PATH}/peerjs?key=wrong&id=x&token= HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n` +
    `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`;
  socket.write(Buffer.concat([Buffer.from(request), maskedTextFrame(frame)]));
  await new Promise((resolve) => socket.once('close', resolve));
}

const OVERSIZED = Buffer.alloc(MAX_SIGNAL_FRAME_BYTES + 1024, 'x');
const INVALID_UTF8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);

async function healthy(url: string): Promise<boolean> {
  return (await fetch(`${url}/health`)).status === 200;
}

describe('the front door, in the process', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers Socket.IO packets whose event name is not a string, or drops them, and keeps serving', async () => {
    for (const packet of NAMELESS) {
      const raw = await openRawSocketIo(server.url);
      raw.ws.send(packet);
      // Either protocol:error (the dispatcher saw it) or a close (Socket.IO's parser refused it first).
      const outcome = await Promise.race([raw.nextEvent(), raw.closed.then(() => 'closed')]);
      if (outcome !== 'closed') {
        expect({ packet, outcome }).toMatchObject({
          packet,
          outcome: ['protocol:error', { code: 'invalid-payload', event: '' }],
        });
        expect((outcome as [string, { message: string }])[1].message).toContain(
          'Event names must be strings',
        );
      }
      raw.ws.terminate();
    }
    // The three that crashed the process before are answered by the dispatcher.
    for (const packet of ['42', '421', '42[0]']) {
      const raw = await openRawSocketIo(server.url);
      raw.ws.send(packet);
      expect(await raw.nextEvent()).toMatchObject(['protocol:error', { code: 'invalid-payload' }]);
      raw.ws.terminate();
    }
    expect(await healthy(server.url)).toBe(true);
    const client = await connect(server.url);
    expect((await signIn(client, 'After')).ok).toBe(true);
    client.close();
  });

  it('survives a refused PeerJS socket sending a frame over the limit or not UTF-8', async () => {
    await refusedPeerjsSending(server.url, OVERSIZED);
    await refusedPeerjsSending(server.url, INVALID_UTF8);
    expect(await healthy(server.url)).toBe(true);
    const client = await connect(server.url);
    expect((await signIn(client, 'Still Here')).ok).toBe(true);
    client.close();
  });
});

describe('the front door, as its own process', () => {
  let server: ServerProcess;
  beforeEach(async () => {
    server = await startServerProcess({ DATA_DIR: ':memory:' });
  });
  afterEach(async () => {
    await server.stop();
  });

  it('is still running after every packet that used to stop it', async () => {
    for (const packet of ['42', '421', '42[0]']) {
      const raw = await openRawSocketIo(server.url);
      raw.ws.send(packet);
      await raw.nextEvent();
      raw.ws.terminate();
    }
    await refusedPeerjsSending(server.url, OVERSIZED);
    await refusedPeerjsSending(server.url, INVALID_UTF8);
    expect(server.child.exitCode).toBeNull();
    expect(await healthy(server.url)).toBe(true);
  });
});
