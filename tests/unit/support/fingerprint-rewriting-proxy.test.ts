import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  fingerprintForger,
  rewriteFingerprints,
  startFingerprintRewritingProxy,
  type FingerprintRewritingProxy,
} from '../../support/fingerprint-rewriting-proxy';

const FINGERPRINT =
  'sha-256 9A:2E:0B:5F:41:C7:73:18:D0:EE:6A:21:96:3B:4C:88:10:FF:AB:07:52:9D:E1:34:6F:C2:28:5A:90:1D:B3:7E';

/** An SDP as Chrome writes one: CRLF lines, a fingerprint in each media section. */
function sdpWith(fingerprint: string): string {
  return [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=ice-ufrag:EsAw',
    `a=fingerprint:${fingerprint}`,
    'a=setup:actpass',
    'a=mid:0',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'c=IN IP4 0.0.0.0',
    `a=fingerprint:${fingerprint}`,
    'a=setup:actpass',
    'a=mid:1',
    '',
  ].join('\r\n');
}

function peerFrame(type: string, connectionType: string, sdpType: string): string {
  return JSON.stringify({
    type,
    dst: 'b'.repeat(32),
    payload: {
      sdp: { type: sdpType, sdp: sdpWith(FINGERPRINT) },
      type: connectionType,
      connectionId: `${connectionType === 'media' ? 'mc' : 'dc'}_0123456789`,
    },
  });
}

function fingerprintsIn(frame: string): string[] {
  const parsed = JSON.parse(frame) as { payload: { sdp: { sdp: string } } }; // built by this test
  return [...parsed.payload.sdp.sdp.matchAll(/^a=fingerprint:(.*)$/gm)].map((match) =>
    (match[1] ?? '').trim(),
  );
}

/** Lines other than the fingerprints, which the proxy must leave as they were. */
function otherLines(frame: string): string[] {
  const parsed = JSON.parse(frame) as { payload: { sdp: { sdp: string } } };
  return parsed.payload.sdp.sdp.split('\r\n').filter((line) => !line.startsWith('a=fingerprint:'));
}

describe('rewriteFingerprints', () => {
  it('forges every fingerprint line with the same hash name and length, and nothing else', () => {
    const seen: string[] = [];
    const sdp = sdpWith(FINGERPRINT);
    const forged = rewriteFingerprints(sdp, fingerprintForger(), (original) => seen.push(original));
    expect(seen).toEqual([FINGERPRINT, FINGERPRINT]);
    const lines = forged.split('\r\n');
    const fingerprints = lines.filter((line) => line.startsWith('a=fingerprint:'));
    expect(fingerprints).toHaveLength(2);
    for (const line of fingerprints) {
      expect(line).toMatch(/^a=fingerprint:sha-256 [0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
      expect(line).not.toBe(`a=fingerprint:${FINGERPRINT}`);
    }
    expect(fingerprints[0]).toBe(fingerprints[1]); // one attacker, one certificate
    expect(lines.filter((line) => !line.startsWith('a=fingerprint:'))).toEqual(
      sdp.split('\r\n').filter((line) => !line.startsWith('a=fingerprint:')),
    );
  });

  it('keeps a longer hash as long', () => {
    const sha512 = `sha-512 ${Array.from({ length: 64 }, (_, index) => (index % 256).toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
    const forged = rewriteFingerprints(`a=fingerprint:${sha512}\n`, fingerprintForger(), () => {});
    expect(forged).toMatch(/^a=fingerprint:sha-512 [0-9A-F]{2}(:[0-9A-F]{2}){63}\n$/);
    expect(forged).not.toContain(sha512);
  });
});

describe('startFingerprintRewritingProxy (over real sockets on 127.0.0.1)', () => {
  let server: WebSocketServer;
  let proxy: FingerprintRewritingProxy;
  let upstream: Promise<WebSocket>;
  const atServer: string[] = [];
  let hostSeen: string | undefined;

  beforeEach(async () => {
    atServer.length = 0;
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    upstream = new Promise((resolve) =>
      server.once('connection', (socket, request) => {
        hostSeen = request.headers.host;
        socket.on('message', (data) => atServer.push((data as Buffer).toString('utf8'))); // text frames
        resolve(socket);
      }),
    );
    const { port } = server.address() as AddressInfo;
    proxy = await startFingerprintRewritingProxy(`http://127.0.0.1:${port}`);
  });

  afterEach(async () => {
    await proxy.close();
    await new Promise((resolve) => server.close(resolve));
  });

  async function connect(): Promise<{ client: WebSocket; atClient: string[] }> {
    const client = new WebSocket(`${proxy.url.replace(/^http/, 'ws')}/peerjs/peerjs?id=a&token=t`);
    const atClient: string[] = [];
    client.on('message', (data) => atClient.push((data as Buffer).toString('utf8')));
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    return { client, atClient };
  }

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  it("rewrites the fingerprints of a media call's offer and answer, either way, and counts them", async () => {
    const { client, atClient } = await connect();
    const server = await upstream;
    const offer = peerFrame('OFFER', 'media', 'offer');
    const answer = peerFrame('ANSWER', 'media', 'answer');
    client.send(offer);
    await until(() => atServer.length === 1);
    server.send(answer);
    await until(() => atClient.length === 1);

    for (const [sent, received] of [
      [offer, atServer[0] ?? ''],
      [answer, atClient[0] ?? ''],
    ] as const) {
      const forged = fingerprintsIn(received);
      expect(forged).toHaveLength(2);
      for (const fingerprint of forged) {
        expect(fingerprint).not.toBe(FINGERPRINT);
        expect(fingerprint).toMatch(/^sha-256 [0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
      }
      expect(otherLines(received)).toEqual(otherLines(sent));
      const { payload, ...rest } = JSON.parse(received) as { payload: Record<string, unknown> };
      const { payload: sentPayload, ...sentRest } = JSON.parse(sent) as { payload: Record<string, unknown> };
      expect(rest).toEqual(sentRest);
      expect(payload.connectionId).toBe(sentPayload.connectionId);
    }
    expect(proxy.rewrites.map(({ frame, direction }) => `${frame} ${direction}`)).toEqual([
      'OFFER to-server',
      'OFFER to-server',
      'ANSWER to-client',
      'ANSWER to-client',
    ]);
    expect(proxy.rewrites.every(({ original }) => original === FINGERPRINT)).toBe(true);
    expect(hostSeen).toBe(new URL(proxy.url).host); // as a reverse proxy passes it
    client.close();
  });

  it('passes data-channel offers and answers, candidates and Socket.IO frames byte for byte', async () => {
    const { client, atClient } = await connect();
    const server = await upstream;
    const untouched = [
      peerFrame('OFFER', 'data', 'offer'),
      peerFrame('ANSWER', 'data', 'answer'),
      JSON.stringify({
        type: 'CANDIDATE',
        dst: 'b'.repeat(32),
        payload: { candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host' }, type: 'media' },
      }),
      '0{"sid":"abc","upgrades":[],"pingInterval":25000}',
      `42["session:start",{"sdp":"a=fingerprint:${FINGERPRINT}"}]`,
      '2',
    ];
    for (const frame of untouched) {
      client.send(frame);
      server.send(frame);
    }
    await until(() => atServer.length === untouched.length && atClient.length === untouched.length);
    expect(atServer).toEqual(untouched);
    expect(atClient).toEqual(untouched);
    expect(proxy.rewrites).toEqual([]);
    client.close();
  });

  it('passes media offers and answers as they are while rewriting is off', async () => {
    const { client, atClient } = await connect();
    const server = await upstream;
    proxy.setRewriting(false);
    const offer = peerFrame('OFFER', 'media', 'offer');
    const answer = peerFrame('ANSWER', 'media', 'answer');
    client.send(offer);
    server.send(answer);
    await until(() => atServer.length === 1 && atClient.length === 1);
    expect([atServer, atClient]).toEqual([[offer], [answer]]);
    expect(proxy.rewrites).toEqual([]);

    proxy.setRewriting(true);
    client.send(offer);
    await until(() => atServer.length === 2);
    expect(fingerprintsIn(atServer[1] ?? '')).not.toContain(FINGERPRINT);
    client.close();
  });
});
