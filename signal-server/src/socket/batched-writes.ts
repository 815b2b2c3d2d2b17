import type { EventEmitter } from 'node:events';

/** The parts of an engine.io connection (`socket.conn`) batching needs. */
export interface BatchedConnection extends EventEmitter {
  readonly readyState?: string;
  readonly transport: EventEmitter & { writable: boolean; readonly name?: string };
}

/** The TCP socket under engine.io's WebSocket transport (`ws` keeps it in a field its types mark private). */
interface Corkable {
  cork(): void;
  uncork(): void;
}

function tcpSocketOf(transport: BatchedConnection['transport']): Corkable | undefined {
  const ws = (transport as unknown as { socket?: { _socket?: unknown } }).socket;
  const tcp = ws?._socket;
  return typeof tcp === 'object' && tcp !== null && 'cork' in tcp && 'uncork' in tcp
    ? (tcp as Corkable)
    : undefined;
}

/**
 * Sends what a connection is given during one turn of the event loop in one write to the kernel, not one write per
 * packet. Under load most of the server's time went to write syscalls on loopback-like TCP (~30–40 µs each here),
 * and a user signing in gets several packets in the same turn (the answers of contacts whose `presence:here`
 * arrived together, acknowledgements): about a quarter fewer writes at the load bench's 5,000 users.
 *
 * How: the first packet of a turn marks the WebSocket transport not writable, so engine.io keeps that packet and
 * the turn's next ones in its write buffer (as it does while a write is in flight); once the turn's I/O is handled
 * (setImmediate), the transport is made writable again and told `ready`, engine.io's own signal to flush, with
 * the TCP socket corked so the frames leave in one write. Order per connection is kept; a packet waits at most
 * until the end of the current turn. Only a transport that was writable is held (none has a write in flight).
 */
export function createWriteBatcher(): (conn: BatchedConnection) => void {
  const held = new Set<BatchedConnection>();
  let scheduled = false;

  const release = (): void => {
    scheduled = false;
    const batch = [...held];
    held.clear();
    // Every transport writable again first: should one flush throw, the others are not left held for good.
    for (const conn of batch) conn.transport.writable = true;
    let failure: Error | undefined;
    for (const conn of batch) {
      if (conn.readyState === 'closed') continue;
      const tcp = tcpSocketOf(conn.transport);
      tcp?.cork();
      try {
        conn.transport.emit('ready'); // engine.io flushes its write buffer
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
      } finally {
        tcp?.uncork();
      }
    }
    if (failure) throw failure; // as it would have from the send itself
  };

  return (conn) => {
    conn.on('packetCreate', () => {
      const { transport } = conn;
      if (held.has(conn) || !transport.writable || conn.readyState !== 'open') return;
      if (transport.name !== 'websocket') return; // a polling transport's writable means something else
      transport.writable = false;
      held.add(conn);
      if (!scheduled) {
        scheduled = true;
        setImmediate(release);
      }
    });
  };
}
