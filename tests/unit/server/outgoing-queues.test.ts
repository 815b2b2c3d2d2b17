import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createOutgoingQueues, type CutOffReason } from '../../../signal-server/src/guard/outgoing';

/** An engine.io connection as the bound sees it: packets created, flushed to a WebSocket, written out. */
function fakeConnection() {
  const ws = { bufferedAmount: 0, terminated: false, terminate: () => (ws.terminated = true) };
  const transport = Object.assign(new EventEmitter(), { writable: true, socket: ws });
  const conn = Object.assign(new EventEmitter(), {
    transport,
    closed: false,
    close: () => (conn.closed = true),
  });
  return {
    conn,
    ws,
    /** A packet of `bytes` is created and handed to the WebSocket, which the kernel does not take yet. */
    queue(bytes: number) {
      conn.emit('packetCreate', { data: 'x'.repeat(bytes) });
      conn.emit('flush');
      ws.bufferedAmount += bytes;
    },
    /** The client read everything: the WebSocket's writes complete. */
    drain() {
      ws.bufferedAmount = 0;
      transport.emit('drain');
    },
  };
}

describe('outgoing queues', () => {
  it('counts what is queued and forgets it as it is written out or its connection closes', () => {
    const queues = createOutgoingQueues({ maxPerSocket: 1_000, maxTotal: 10_000 });
    const a = fakeConnection();
    const b = fakeConnection();
    queues.bound(a.conn, () => undefined);
    queues.bound(b.conn, () => undefined);
    a.queue(300);
    b.queue(200);
    expect(queues.totalBytes).toBe(500);
    a.drain();
    expect(queues.totalBytes).toBe(200);
    b.conn.emit('close');
    expect(queues.totalBytes).toBe(0);
  });

  it('cuts off the connection holding the most once all together pass the process-wide bound', () => {
    const queues = createOutgoingQueues({ maxPerSocket: 1_000, maxTotal: 1_500 });
    const cuts: [string, number, CutOffReason][] = [];
    const connections = ['small', 'large', 'medium'].map((name) => {
      const connection = fakeConnection();
      queues.bound(connection.conn, (bytes, reason) => cuts.push([name, bytes, reason]));
      return connection;
    });
    const [small, large, medium] = connections;
    small?.queue(200);
    large?.queue(900);
    medium?.queue(300);
    expect(cuts).toEqual([]);
    medium?.queue(300); // 1,700 in all: the largest goes, though it sent nothing just now
    expect(cuts).toEqual([['large', 900, 'process']]);
    expect(large?.ws.terminated).toBe(true);
    expect(large?.conn.closed).toBe(true);
    expect(queues.totalBytes).toBe(800);
    // Past its own bound a connection is cut off for itself.
    medium?.queue(500);
    expect(cuts.at(-1)).toEqual(['medium', 1_100, 'socket']);
    expect(queues.totalBytes).toBe(200);
  });
});
