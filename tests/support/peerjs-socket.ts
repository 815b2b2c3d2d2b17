import WebSocket from 'ws';
import { PEERJS_KEY, PEERJS_PATH } from '../../shared/protocol/socket';

export interface PeerjsSocket {
  readonly ws: WebSocket;
  /** Resolves with the next frame the server sends. */
  nextFrame(): Promise<Record<string, unknown>>;
  send(frame: unknown): void;
  closed: Promise<number>;
}

/** A WebSocket speaking the PeerJS signaling protocol by hand, for what a real client never sends. */
export async function openPeerjsSocket(
  serverUrl: string,
  id: string,
  token: string,
  key = PEERJS_KEY,
): Promise<PeerjsSocket> {
  const url = `${serverUrl.replace('http', 'ws')}${PEERJS_PATH}/peerjs?key=${key}&id=${id}&token=${token}&version=1.5.5`;
  const ws = new WebSocket(url);
  const frames: Record<string, unknown>[] = [];
  const waiting: ((frame: Record<string, unknown>) => void)[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>; // ws delivers Buffers
    const waiter = waiting.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', resolve));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    closed,
    nextFrame: () => {
      const frame = frames.shift();
      return frame ? Promise.resolve(frame) : new Promise((resolve) => waiting.push(resolve));
    },
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
  };
}
