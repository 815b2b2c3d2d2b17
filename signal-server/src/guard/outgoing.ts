import type { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';

/** Bytes a packet or frame takes on the wire, near enough: strings as UTF-8, binary as is. */
export function byteSize(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/**
 * Sends a PeerJS frame unless the peer lets too much pile up: a peer whose socket would hold more than
 * `maxQueuedBytes` it has not read is terminated (what was queued is freed) and the frame is dropped;
 * `onCutOff` is told how many bytes were queued. Returns whether the frame was sent.
 */
export function sendBounded(
  ws: WebSocket,
  data: string,
  maxQueuedBytes: number,
  onCutOff: (queuedBytes: number) => void,
): boolean {
  if (ws.readyState !== ws.OPEN) return false;
  if (ws.bufferedAmount + byteSize(data) > maxQueuedBytes) {
    onCutOff(ws.bufferedAmount);
    ws.terminate();
    return false;
  }
  ws.send(data);
  return true;
}

/** The parts of an engine.io connection (`socket.conn`) the bound needs. */
export interface EngineConnection extends EventEmitter {
  readonly transport: EventEmitter;
  close(discard?: boolean): unknown;
}

/**
 * Bounds what one Socket.IO connection queues for its client. engine.io keeps packets in its own write buffer
 * while the WebSocket has a write in flight, and the WebSocket (`ws`) keeps what the kernel did not take
 * (`bufferedAmount`): a client that does not read grows both. Each packet created adds to the first count (the
 * write buffer is handed whole to the WebSocket on `flush`); past `maxQueuedBytes` in all, the WebSocket is
 * terminated, which frees both and lets a real client reconnect (it sees a lost transport, not a kick). `onCutOff` is told how many bytes were queued.
 */
export function boundOutgoing(
  conn: EngineConnection,
  maxQueuedBytes: number,
  onCutOff: (queuedBytes: number) => void,
): void {
  let inWriteBuffer = 0;
  let cut = false;
  conn.on('flush', () => {
    inWriteBuffer = 0;
  });
  conn.on('packetCreate', (packet: { readonly data?: unknown }) => {
    if (cut) return;
    inWriteBuffer += byteSize(packet.data);
    const ws = webSocketOf(conn);
    const queued = inWriteBuffer + (ws?.bufferedAmount ?? 0);
    if (queued <= maxQueuedBytes) return;
    cut = true;
    onCutOff(queued);
    dropConnection(conn);
  });
}

/**
 * Closes an engine.io connection at once, whatever it has not read: its WebSocket is terminated (a close
 * handshake or a drain would wait for a client that may never read) and the connection closed, so what is created
 * from now on is not even queued. A real client sees a lost transport and reconnects.
 */
export function dropConnection(conn: EngineConnection): void {
  webSocketOf(conn)?.terminate();
  conn.close(true);
}

/**
 * engine.io's WebSocket transport keeps the `ws` socket in a field its types mark private; this server only
 * allows the WebSocket transport, so it is there (checked rather than assumed).
 */
function webSocketOf(conn: EngineConnection): WebSocket | undefined {
  const socket = (conn.transport as unknown as { socket?: unknown }).socket;
  return typeof socket === 'object' && socket !== null && 'bufferedAmount' in socket && 'terminate' in socket
    ? (socket as WebSocket)
    : undefined;
}
