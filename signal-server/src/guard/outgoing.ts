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
  readonly transport: EventEmitter & { readonly writable?: boolean };
  readonly readyState?: string;
  close(discard?: boolean): unknown;
}

/** Why a connection was cut off: its own queue is over the per-socket bound, or all queues over the process's. */
export type CutOffReason = 'socket' | 'process';

/**
 * Bounds what Socket.IO connections queue for their clients, each and all together. engine.io keeps packets in
 * its own write buffer while the WebSocket has a write in flight, and the WebSocket (`ws`) keeps what the kernel
 * did not take (`bufferedAmount`): a client that does not read grows both. Each packet created adds to the first
 * count (the write buffer is handed whole to the WebSocket on `flush`); past `maxPerSocket` in all, the WebSocket
 * is terminated, which frees both and lets a real client reconnect (it sees a lost transport, not a kick). Each
 * connection's count is also kept in a process-wide total (brought up to date as packets are created and as the
 * WebSocket's writes complete); past `maxTotal`, the connection holding the most is cut off first, so many slow
 * readers together cannot hold more than that either.
 */
export interface OutgoingQueues {
  /** Bounds `conn`'s queue; `onCutOff` is told how many bytes it held when it is cut off, and why. */
  bound(conn: EngineConnection, onCutOff: (queuedBytes: number, reason: CutOffReason) => void): void;
  /** Bytes queued for all bounded connections, as last counted. */
  readonly totalBytes: number;
}

export function createOutgoingQueues(limits: {
  readonly maxPerSocket: number;
  readonly maxTotal: number;
}): OutgoingQueues {
  interface Queue {
    inWriteBuffer: number;
    /** This connection's share of `total`. */
    counted: number;
    readonly cutOff: (reason: CutOffReason) => void;
  }
  const queues = new Map<EngineConnection, Queue>();
  let total = 0;

  const recount = (conn: EngineConnection, queue: Queue): number => {
    const queued = queue.inWriteBuffer + (webSocketOf(conn)?.bufferedAmount ?? 0);
    total += queued - queue.counted;
    queue.counted = queued;
    return queued;
  };
  const forget = (conn: EngineConnection): void => {
    const queue = queues.get(conn);
    if (!queue) return;
    total -= queue.counted;
    queues.delete(conn);
  };
  /** Over the process-wide bound: cuts off the connections holding the most until the total is within it. */
  const shedLargest = (): void => {
    while (total > limits.maxTotal) {
      let largest: [EngineConnection, Queue] | undefined;
      for (const entry of queues) if (!largest || entry[1].counted > largest[1].counted) largest = entry;
      if (!largest || largest[1].counted === 0) return;
      largest[1].cutOff('process');
    }
  };

  return {
    get totalBytes() {
      return total;
    },
    bound(conn, onCutOff) {
      const queue: Queue = {
        inWriteBuffer: 0,
        counted: 0,
        cutOff: (reason) => {
          const queued = queue.counted;
          forget(conn);
          onCutOff(queued, reason);
          dropConnection(conn);
        },
      };
      queues.set(conn, queue);
      conn.once('close', () => forget(conn));
      conn.on('flush', () => {
        queue.inWriteBuffer = 0; // handed to the WebSocket: counted in its bufferedAmount from now on
      });
      // The WebSocket's writes completed: what the kernel took is no longer queued here.
      conn.transport.on('drain', () => {
        if (queues.get(conn) === queue) recount(conn, queue);
      });
      conn.on('packetCreate', (packet: { readonly data?: unknown }) => {
        if (queues.get(conn) !== queue) return;
        queue.inWriteBuffer += byteSize(packet.data);
        if (recount(conn, queue) > limits.maxPerSocket) return queue.cutOff('socket');
        shedLargest();
      });
    },
  };
}

/**
 * Calls `done` once `conn` has nothing left queued here (its engine.io write buffer and its WebSocket both empty:
 * what was sent is with the kernel), or once it is closed. Checked after what is being sent now has been handed
 * over (after the current tick), then each time the transport is writable again: engine.io's WebSocket transport
 * says `drain` while it is still marked busy and `ready` once it is not (and packets held for the end of a turn,
 * socket/batched-writes.ts, are written after the first check).
 */
export function whenSent(conn: EngineConnection, done: () => void): void {
  let finished = false;
  const check = (): void => {
    if (finished) return;
    const idle = conn.transport.writable !== false && (webSocketOf(conn)?.bufferedAmount ?? 0) === 0;
    if (!idle && conn.readyState !== 'closed') return;
    finished = true;
    conn.transport.off('drain', check);
    conn.transport.off('ready', check);
    conn.off('close', check);
    done();
  };
  conn.transport.on('drain', check);
  conn.transport.on('ready', check);
  conn.on('close', check);
  setImmediate(check);
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
