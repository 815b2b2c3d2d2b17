import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS } from '../../../shared/limits';

export interface LivenessOptions {
  sendHeartbeat(): void;
  /** The channel was silent for longer than the timeout. Called once. */
  onDead(): void;
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
}

export interface Liveness {
  /** Something arrived from the peer. */
  received(): void;
  /** We sent something: no heartbeat needed this interval. */
  sent(): void;
  stop(): void;
}

/**
 * Heartbeats for one data channel. A browser can report a channel open for minutes after the peer vanished
 * (peers/peerjs #769), so each end sends a heartbeat when it has been quiet, and declares the channel dead
 * when nothing at all has arrived for the timeout.
 */
export function watchLiveness(options: LivenessOptions): Liveness {
  const intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? HEARTBEAT_TIMEOUT_MS;
  let lastReceived = Date.now();
  let lastSent = Date.now();
  let stopped = false;

  const check = (): void => {
    const now = Date.now();
    if (now - lastReceived > timeoutMs) {
      stop();
      options.onDead();
      return;
    }
    if (now - lastSent >= intervalMs) {
      lastSent = now;
      options.sendHeartbeat();
    }
  };
  // Checked twice an interval, so a heartbeat is never more than half an interval late.
  const timer = setInterval(check, Math.max(1, Math.floor(intervalMs / 2)));

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
  }
  return {
    received: () => {
      lastReceived = Date.now();
    },
    sent: () => {
      lastSent = Date.now();
    },
    stop,
  };
}
