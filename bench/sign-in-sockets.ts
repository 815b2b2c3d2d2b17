/** Sockets for the sign-in attack bench: connections seen as coming from a given address, and bounded requests. */
import { io } from 'socket.io-client';
import type { TestClient } from '../tests/support/server';

/** How long one request may take before the bench stops waiting for it (the issue saw round trips over 20 s). */
export const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Attackers and the legitimate user appear as different clients to a server that trusts its reverse proxy
 * (X-Forwarded-For); a server that does not ignores the header and sees everyone as 127.0.0.1.
 */
export const ATTACKER_ADDRESS = '203.0.113.66';
export const LEGITIMATE_ADDRESS = '198.51.100.7';

/** A new WebSocket connection to `url`; rejects after socket.io's 20 s connect timeout. */
export function openSocket(url: string, address: string): Promise<TestClient> {
  const socket: TestClient = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { 'x-forwarded-for': address },
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/**
 * `request`'s answer, or undefined when the socket closes or REQUEST_TIMEOUT_MS passes first: an
 * acknowledgement asked for without a timeout never settles once its socket is gone.
 */
export async function whileOpen<T>(socket: TestClient, request: Promise<T>): Promise<T | undefined> {
  let cleanUp = (): void => undefined;
  const gaveUp = new Promise<undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), REQUEST_TIMEOUT_MS);
    const onClose = (): void => resolve(undefined);
    socket.once('disconnect', onClose);
    cleanUp = () => {
      clearTimeout(timer);
      socket.off('disconnect', onClose);
    };
    if (!socket.connected) resolve(undefined);
  });
  try {
    return await Promise.race([request, gaveUp]);
  } finally {
    cleanUp();
  }
}

/** Counts of answers by outcome ("accepted", or the error code), added up across sockets and processes. */
export type Tally = Record<string, number>;

export function count(tally: Tally, outcome: string): void {
  tally[outcome] = (tally[outcome] ?? 0) + 1;
}

export function add(into: Tally, from: Tally): Tally {
  for (const [outcome, n] of Object.entries(from)) into[outcome] = (into[outcome] ?? 0) + n;
  return into;
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
