import type { DeliveredFrame, ServerSignalFrame } from '../../../shared/protocol/peerjs';

export type Deliver = (frame: ServerSignalFrame) => void;

/**
 * Carries signaling frames to the process that holds the destination's PeerJS socket.
 * This process-local router is the embedded default; scale-out puts a shared one behind the same interface.
 */
export interface SignalRouter {
  /** Registers the local socket of `peerId`, replacing an older one; returns the function that detaches it. */
  attach(peerId: string, deliver: Deliver, onReplaced: () => void): () => void;
  /** Resolves true when the destination was reached. */
  route(frame: DeliveredFrame): Promise<boolean>;
}

export function createLocalSignalRouter(): SignalRouter {
  const sockets = new Map<string, { deliver: Deliver; onReplaced: () => void }>();
  return {
    attach(peerId, deliver, onReplaced) {
      const previous = sockets.get(peerId);
      const entry = { deliver, onReplaced };
      sockets.set(peerId, entry);
      previous?.onReplaced();
      return () => {
        if (sockets.get(peerId) === entry) sockets.delete(peerId);
      };
    },
    async route(frame) {
      const target = sockets.get(frame.dst);
      if (!target) return false;
      target.deliver(frame);
      return true;
    },
  };
}
