import type { DoorConfig } from '../config';
import { createRateWindow, type RateWindow } from '../rate-window';
import { createAddressBuckets } from './address-buckets';

/** One admitted connection: the rate window of its address (shared by its address's connections). */
export interface Admission {
  readonly address: string;
  readonly addressRate: RateWindow;
  /** Call once, when the connection closes. */
  release(): void;
}

/** Why a connection is refused, with the HTTP status that says it: 503 the server is full, 429 the address is. */
export interface Refusal {
  readonly status: 503 | 429;
  readonly message: string;
}

/**
 * Counts WebSocket connections (Socket.IO and PeerJS together), overall and per address, so the process never
 * runs out of descriptors and one address cannot take all of them. An address's entry lives while it has a
 * connection, so the map is bounded by the connections held. How fast an address opens connections is bounded
 * too: a handshake costs a TLS session, an upgrade and a socket, even when the connection closes at once.
 */
export interface ConnectionRegistry {
  /**
   * Why a new connection from `address` must be refused, or undefined when it may come in. Called once per
   * handshake: one that may come in counts toward the address's opening rate.
   */
  refusal(address: string): Refusal | undefined;
  /** Counts a connection that came in. */
  admit(address: string): Admission;
  /** Connections held now. */
  readonly total: number;
}

export function createConnectionRegistry(
  limits: Pick<
    DoorConfig,
    'maxConnections' | 'maxConnectionsPerIp' | 'perIp' | 'newConnectionsPerIpPerSecond'
  >,
): ConnectionRegistry {
  const byAddress = new Map<string, { count: number; rate: RateWindow }>();
  const opening = createAddressBuckets({ capacity: limits.newConnectionsPerIpPerSecond, refillMs: 1_000 });
  let total = 0;
  return {
    get total() {
      return total;
    },
    refusal(address) {
      if (total >= limits.maxConnections)
        return {
          status: 503,
          message: `The server is full (${limits.maxConnections} connections); try again in a minute`,
        };
      if ((byAddress.get(address)?.count ?? 0) >= limits.maxConnectionsPerIp)
        return {
          status: 429,
          message: `Too many connections from your address (at most ${limits.maxConnectionsPerIp}); close some and try again`,
        };
      if (!opening.take(address))
        return {
          status: 429,
          message: `Too many new connections from your address (at most ${limits.newConnectionsPerIpPerSecond} a second); wait a second and try again`,
        };
      return undefined;
    },
    admit(address) {
      const entry = byAddress.get(address) ?? { count: 0, rate: createRateWindow(limits.perIp) };
      entry.count += 1;
      byAddress.set(address, entry);
      total += 1;
      let released = false;
      return {
        address,
        addressRate: entry.rate,
        release() {
          if (released) return;
          released = true;
          total -= 1;
          entry.count -= 1;
          if (entry.count === 0) byAddress.delete(address);
        },
      };
    },
  };
}
