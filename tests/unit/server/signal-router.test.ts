import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createClusterSignalRouter, type SignalRouter } from '../../../signal-server/src/peerjs/router';
import type { TypedServer } from '../../../signal-server/src/socket/context';

describe('cluster signal router', () => {
  it('answers another process "not reached" when delivering its frame fails, leaving no rejection unhandled', async () => {
    const io = new EventEmitter();
    const failing: SignalRouter = {
      attach: () => () => undefined,
      route: () => Promise.reject(new RangeError('Maximum call stack size exceeded')),
    };
    createClusterSignalRouter(io as unknown as TypedServer, failing); // only its `on('signal')` is used here
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): number => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const reached = await new Promise<boolean>((resolve) =>
        io.emit('signal', { type: 'OFFER', src: 'a'.repeat(32), dst: 'b'.repeat(32) }, resolve),
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(reached).toBe(false);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
