import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { randomId } from '../../../shared/ids';
import { createIdentityKeys, userIdOfKeys } from '../../../extension/lib/crypto/identity';
import type { CreateMesh, PeerMesh } from '../../../extension/lib/transport/peers';
import { screenSignal } from '../../../extension/lib/transport/signal-guard';
import type { decodeFrame as DecodeFrame } from '../../../extension/lib/transport/json-channel';
import { MAX_PEER_FRAME_BYTES } from '../../../shared/limits';

/** Just enough RTCPeerConnection for PeerJS to answer an offer in Node: no network, no media. */
class FakePeerConnection {
  static readonly created: FakePeerConnection[] = [];
  signalingState = 'stable';
  onicecandidate: unknown = null;
  oniceconnectionstatechange: unknown = null;
  ondatachannel: unknown = null;
  ontrack: unknown = null;
  createDataChannel() {
    return { ordered: true, binaryType: 'arraybuffer', close: () => undefined };
  }
  async setRemoteDescription() {}
  async createAnswer() {
    return { type: 'answer', sdp: 'v=0 answer' };
  }
  async setLocalDescription() {}
  async addIceCandidate() {}
  close() {
    this.signalingState = 'closed';
  }
  constructor() {
    FakePeerConnection.created.push(this);
  }
}

/** The data channel a remote peer opens, as PeerJS's connection listens to it. */
class FakeDataChannel extends EventTarget {
  binaryType = 'blob';
  readyState = 'open';
  onopen: (() => void) | null = null;
  onmessage: unknown = null;
  onclose: unknown = null;
  send() {}
  close() {}
  /** A message from the remote peer. */
  receive(data: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
}

let createPeerMesh: CreateMesh;
let decodeFrame: typeof DecodeFrame;
beforeAll(async () => {
  vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
  // PeerJS only hands what it builds to setRemoteDescription: the init itself will do.
  vi.stubGlobal('RTCSessionDescription', function RTCSessionDescription(init: object) {
    return init;
  });
  vi.stubGlobal('WebSocket', WebSocket);
  // PeerJS checks for WebRTC when it loads: import it once the stubs are in place.
  ({ createPeerMesh } = await import('../../../extension/lib/transport/peers'));
  ({ decodeFrame } = await import('../../../extension/lib/transport/json-channel'));
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup(); // the mesh before its server
  vi.restoreAllMocks();
});

/** A PeerJS signaling server that says OPEN, then lets the test speak as it (or as whoever it relays). */
async function signalingServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  cleanups.push(() => new Promise((resolve) => wss.close(resolve)));
  const received: Record<string, unknown>[] = [];
  const client = new Promise<WebSocket>((resolve) =>
    wss.once('connection', (ws) => {
      // PeerJS sends text frames, which ws hands over as Buffers.
      ws.on('message', (data: Buffer) =>
        received.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>),
      );
      ws.send(JSON.stringify({ type: 'OPEN' }));
      resolve(ws);
    }),
  );
  return { url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`, client, received };
}

function startMesh(serverUrl: string): { mesh: PeerMesh; selfId: string; links: string[][] } {
  const identity = createIdentityKeys();
  const selfId = userIdOfKeys(identity);
  const links: string[][] = [];
  const mesh = createPeerMesh({
    serverUrl,
    identity,
    iceServers: () => [],
    onFrame: () => undefined,
    onLinkChange: (peerId, status) => links.push([peerId, status]),
    onSignalingLost: () => undefined,
  });
  mesh.resume({ peerId: selfId, ticket: '1.x', expiresAt: Date.now() + 60_000 });
  return { mesh, selfId, links };
}

const offerFrom = (src: string, dst: string, payload: Record<string, unknown> = {}) => ({
  type: 'OFFER',
  src,
  dst,
  payload: {
    type: 'data',
    connectionId: 'dc_welcome',
    serialization: 'json',
    reliable: true,
    sdp: { type: 'offer', sdp: 'v=0 offer' },
    ...payload,
  },
});

describe('the peer mesh against hostile signaling frames', () => {
  it('refuses offers shaped to poison PeerJS, answers a well-formed one, and can always be destroyed', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const server = await signalingServer();
    const { mesh, selfId, links } = startMesh(server.url);
    const socket = await server.client;
    const mallory = randomId();
    const send = (frame: unknown): void =>
      socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));

    // Names PeerJS looked up in its map of serializer classes: Object.prototype's own, and the ones we do not use.
    for (const serialization of [
      'constructor',
      '__proto__',
      'toString',
      'valueOf',
      'binary',
      'raw',
      'default',
    ])
      send(offerFrom(mallory, selfId, { serialization, connectionId: 'dc_hostile' }));
    send(offerFrom(mallory, selfId, { type: 'media', connectionId: 'dc_media' }));
    send(offerFrom(mallory, selfId, { reliable: false, connectionId: 'dc_unreliable' }));
    send(offerFrom(mallory, selfId, { connectionId: ['dc_array'] }));
    send(offerFrom('not-a-user-id', selfId, { connectionId: 'dc_badsrc' }));
    // Candidates for connections that do not exist, which PeerJS would hoard.
    for (let i = 0; i < 50; i += 1)
      send({
        type: 'CANDIDATE',
        src: mallory,
        payload: { type: 'data', connectionId: `dc_${i}`, candidate: {} },
      });
    for (const junk of ['null', '[]', '42', '"OFFER"', '{"type":"OFFER"}', '{"type":"OFFER","payload":null}'])
      send(junk);
    // Then a well-formed offer: the mesh answers it and takes the connection.
    send(offerFrom(mallory, selfId));

    await vi.waitFor(() => expect(server.received.some((frame) => frame.type === 'ANSWER')).toBe(true));
    expect(server.received.filter((frame) => frame.type === 'ANSWER')).toEqual([
      {
        type: 'ANSWER',
        dst: mallory,
        payload: { type: 'data', connectionId: 'dc_welcome', sdp: { type: 'answer', sdp: 'v=0 answer' } },
      },
    ]);
    expect(links).toEqual([[mallory, 'connecting']]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^peers: dropped a signaling frame: /));

    const closed = once(socket, 'close');
    expect(() => mesh.destroy()).not.toThrow();
    await closed;
  });

  it('passes on only the fields PeerJS reads: no label or metadata a peer chose', () => {
    const src = randomId();
    const screened = screenSignal(
      offerFrom(src, randomId(), { label: 'x'.repeat(10_000), metadata: { toString: 'x' }, browser: 'evil' }),
      () => false,
    );
    expect(screened).toEqual({
      ok: true,
      frame: {
        type: 'OFFER',
        src,
        payload: {
          type: 'data',
          connectionId: 'dc_welcome',
          serialization: 'json',
          reliable: true,
          sdp: { type: 'offer', sdp: 'v=0 offer' },
        },
      },
    });
    const refused = screenSignal(offerFrom(src, randomId(), { serialization: 'constructor' }), () => true);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toMatch(/^payload\.serialization: /);
  });

  it('closes a data channel that sends a frame past MAX_PEER_FRAME_BYTES, before parsing it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const server = await signalingServer();
    const { mesh, selfId, links } = startMesh(server.url);
    cleanups.push(() => mesh.destroy());
    const socket = await server.client;
    const mallory = randomId();
    socket.send(JSON.stringify(offerFrom(mallory, selfId)));
    await vi.waitFor(() => expect(server.received.some((frame) => frame.type === 'ANSWER')).toBe(true));

    const channel = new FakeDataChannel();
    const pc = FakePeerConnection.created.at(-1) as unknown as { ondatachannel(event: object): void };
    pc.ondatachannel({ channel });
    channel.onopen?.();
    const oversized = JSON.stringify({ padding: 'x'.repeat(MAX_PEER_FRAME_BYTES) });
    channel.receive(new TextEncoder().encode(oversized).buffer);

    expect(links).toEqual([
      [mallory, 'connecting'],
      [mallory, 'closed'],
    ]);
    expect(warn).toHaveBeenCalledWith(
      `peers: closed the link to ${mallory}: it sent a frame of ${oversized.length} bytes (at most ${MAX_PEER_FRAME_BYTES})`,
    );
  });

  it('reads a data channel frame only when it is binary, small enough, UTF-8 and JSON', () => {
    const bytes = (text: string) => new TextEncoder().encode(text).buffer;
    expect(decodeFrame(bytes('{"v":1}'))).toEqual({ ok: true, value: { v: 1 } });
    expect(decodeFrame('{"v":1}')).toMatchObject({ ok: false, reason: 'it sent a frame that is not binary' });
    expect(decodeFrame(new Uint8Array([0x22, 0xff, 0x22]).buffer)).toMatchObject({ ok: false });
    expect(decodeFrame(bytes('{"v":'))).toMatchObject({ ok: false });
    expect(decodeFrame(new ArrayBuffer(MAX_PEER_FRAME_BYTES + 1))).toMatchObject({ ok: false });
  });
});
