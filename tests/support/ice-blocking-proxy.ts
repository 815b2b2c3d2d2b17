import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer, type RawData } from 'ws';

export interface BlockingProxy {
  /** Point a user's "Signal server" here instead of at the server. */
  readonly url: string;
  close(): Promise<void>;
}

/** Drops ICE candidates from a PeerJS frame; passes everything else (Socket.IO frames too) as it is. */
function withoutCandidates(data: RawData, isBinary: boolean): RawData | string | undefined {
  if (isBinary || !Buffer.isBuffer(data)) return data; // ws hands text frames over as one Buffer
  const text = data.toString('utf8');
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return text; // Socket.IO's own framing: not ours to touch
  }
  if (typeof frame !== 'object' || frame === null || !('type' in frame)) return text;
  if (frame.type === 'CANDIDATE') return undefined;
  // Candidates gathered early can also sit in the SDP itself.
  return text.replace(/a=candidate:[^\\]*\\r\\n/g, '');
}

/**
 * A middlebox in front of the signal server that lets every connection through but no ICE candidate: neither
 * browser ever learns where to reach the other, so no data channel can open (as between two strict NATs with
 * no TURN). Everything else reaches the server unchanged.
 */
export async function startIceBlockingProxy(serverUrl: string): Promise<BlockingProxy> {
  const upstreamBase = serverUrl.replace(/^http/, 'ws');
  const http = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (client) => {
      // Host passes as the user sent it, as a reverse proxy's does: their sign-in names this address.
      const upstream = new WebSocket(`${upstreamBase}${request.url ?? '/'}`, {
        headers: { host: request.headers.host ?? '' },
      });
      const early: (RawData | string)[] = [];
      upstream.on('open', () => {
        for (const data of early.splice(0)) upstream.send(data);
      });
      client.on('message', (data, isBinary) => {
        const passed = withoutCandidates(data, isBinary);
        if (passed === undefined) return;
        if (upstream.readyState === WebSocket.OPEN) upstream.send(passed, { binary: isBinary });
        else early.push(passed);
      });
      upstream.on('message', (data, isBinary) => {
        const passed = withoutCandidates(data, isBinary);
        if (passed !== undefined) client.send(passed, { binary: isBinary });
      });
      client.on('close', () => upstream.close());
      upstream.on('close', () => client.close());
      client.on('error', () => upstream.terminate());
      upstream.on('error', () => client.terminate());
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo; // listening on TCP
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
