import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer, type RawData } from 'ws';

/** Which way a frame travels through the middlebox. */
export type Direction = 'to-server' | 'to-client';

/**
 * What the middlebox does with one text frame: the text to pass on (the same or changed), or undefined to drop it.
 * Binary frames always pass as they are.
 */
export type TextFrameFilter = (text: string, direction: Direction) => string | undefined;

export interface Middlebox {
  /** Point a user's "Signal server" here instead of at the server. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A WebSocket-only reverse proxy in front of the signal server that hands each text frame, in both directions, to
 * `filter`. Host passes as the user sent it, as a reverse proxy's does: their sign-in names this address. Plain HTTP
 * requests get 404 (the extension's sockets are WebSocket only).
 */
export async function startWebSocketMiddlebox(
  serverUrl: string,
  filter: TextFrameFilter,
): Promise<Middlebox> {
  const upstreamBase = serverUrl.replace(/^http/, 'ws');
  const http = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  const pass = (data: RawData, isBinary: boolean, direction: Direction): RawData | string | undefined =>
    // ws hands a text frame over as one Buffer
    isBinary || !Buffer.isBuffer(data) ? data : filter(data.toString('utf8'), direction);
  http.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (client) => {
      const upstream = new WebSocket(`${upstreamBase}${request.url ?? '/'}`, {
        headers: { host: request.headers.host ?? '' },
      });
      const early: { data: RawData | string; binary: boolean }[] = [];
      upstream.on('open', () => {
        for (const { data, binary } of early.splice(0)) upstream.send(data, { binary });
      });
      client.on('message', (data, isBinary) => {
        const passed = pass(data, isBinary, 'to-server');
        if (passed === undefined) return;
        if (upstream.readyState === WebSocket.OPEN) upstream.send(passed, { binary: isBinary });
        else early.push({ data: passed, binary: isBinary });
      });
      upstream.on('message', (data, isBinary) => {
        const passed = pass(data, isBinary, 'to-client');
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
