import type { DeliveredFrame, ServerSignalFrame } from '../../../shared/protocol/peerjs';
import type { TypedServer } from '../socket/context';

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

/**
 * Scale-out: frames for a socket on this process go straight to it; others are offered to the other processes
 * through the Socket.IO adapter (Redis), and the one holding the destination delivers it.
 */
export function createClusterSignalRouter(io: TypedServer, local = createLocalSignalRouter()): SignalRouter {
  // Every promise gets its rejection handled: an unhandled one stops the process (guard/crash-policy.ts).
  io.on('signal', (frame, reached) => {
    local.route(frame).then(reached, () => reached(false));
  });
  return {
    attach: (peerId, deliver, onReplaced) => local.attach(peerId, deliver, onReplaced),
    async route(frame) {
      if (await local.route(frame)) return true;
      try {
        const answers = await io.serverSideEmitWithAck('signal', frame);
        return answers.some(Boolean);
      } catch {
        return false; // some process did not answer in time; the sender's PeerJS client retries the offer
      }
    },
  };
}
