import type { Socket as NetSocket } from 'node:net';
import { io as connectClient } from 'socket.io-client';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { encodeBytes } from '../../shared/crypto/identity';
import { MAX_ENVELOPE_CIPHERTEXT_LENGTH } from '../../shared/limits';
import type { SealedMessage } from '../../shared/protocol/envelope';
import { PEERJS_KEY, PEERJS_PATH, type PeerTicket } from '../../shared/protocol/socket';
import type { PresenceToken } from '../../shared/protocol/contacts';
import { signIn } from './identity';
import { watch } from './presence-tokens';
import { openPeerjsSocket, type PeerjsSocket } from './peerjs-socket';
import { connect, type TestClient } from './server';

/** The Socket.IO websocket upgrade path, for `upgrade`. */
export const SOCKET_IO = '/socket.io/?EIO=4&transport=websocket';
/** A PeerJS websocket upgrade path, for `upgrade`. */
export const PEERJS = `${PEERJS_PATH}/peerjs?key=${PEERJS_KEY}&id=x&token=y`;

/** The TCP socket under a socket.io-client connection (kept by engine.io-client's transport and `ws`, untyped). */
export function tcpOf(socket: TestClient): NetSocket {
  return (socket.io as unknown as { engine: { transport: { ws: { _socket: NetSocket } } } }).engine.transport
    .ws._socket;
}

const key = (fill: number): string => encodeBytes(new Uint8Array(32).fill(fill));
/** A sealed message near the largest the server takes (about 250 KiB). */
export const bigSealed = (): SealedMessage => ({
  v: 1,
  session: key(1),
  envelope: {
    v: 1,
    header: { dh: key(2), pn: 0, n: 0 },
    ciphertext: 'A'.repeat(MAX_ENVELOPE_CIPHERTEXT_LENGTH - 4096),
  },
});

/** Resolves with `socket` once connected; rejects on connect_error. */
export const connected = (socket: TestClient): Promise<TestClient> =>
  new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });

/**
 * Clients of the test server at `serverUrl()` bound to a local address (127.0.0.2 stands for another machine);
 * each one's closing is pushed onto `cleanups`.
 */
export function doorClients(serverUrl: () => string, cleanups: (() => void)[]) {
  /** A Socket.IO client, connected. */
  const client = async (): Promise<TestClient> => {
    const socket = await connect(serverUrl());
    cleanups.push(() => socket.close());
    return socket;
  };

  /**
   * A new identity signed in on a fresh client, and its PeerJS socket opened with the ticket; OPEN already taken.
   * It presents `tokens` (presence:watch): signaling is relayed only between users presenting a common one.
   */
  const signedInPeer = async (
    name: string,
    tokens: readonly PresenceToken[] = [],
  ): Promise<{ peer: PeerjsSocket; ticket: PeerTicket }> => {
    const socket = await client();
    const started = await signIn(socket, name);
    if (!started.ok) throw new Error(started.error.message);
    if (tokens.length > 0) await watch(socket, tokens);
    const peer = await openPeerjsSocket(serverUrl(), started.data.peer.peerId, started.data.peer.ticket);
    cleanups.push(() => peer.ws.terminate());
    expect(await peer.nextFrame()).toEqual({ type: 'OPEN' });
    return { peer, ticket: started.data.peer };
  };

  /** A Socket.IO client from `localAddress`, not yet connected. */
  const socketFrom = (localAddress: string): TestClient => {
    const socket: TestClient = connectClient(serverUrl(), {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      localAddress,
    } as Parameters<typeof connectClient>[1]); // localAddress reaches `ws` through engine.io-client's options
    cleanups.push(() => socket.close());
    return socket;
  };

  /** A Socket.IO client from `localAddress`; rejects on connect_error. */
  const clientFrom = (localAddress = '127.0.0.1'): Promise<TestClient> => connected(socketFrom(localAddress));

  /** Opens a bare WebSocket; resolves with the HTTP status and body of a refusal, or 101 once open. */
  const upgrade = (path: string, localAddress = '127.0.0.1'): Promise<{ status: number; body: string }> => {
    const ws = new WebSocket(`${serverUrl().replace('http', 'ws')}${path}`, { localAddress });
    cleanups.push(() => ws.terminate());
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ status: 101, body: '' }));
      ws.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      ws.once('error', reject);
    });
  };

  return { client, signedInPeer, socketFrom, clientFrom, upgrade };
}
