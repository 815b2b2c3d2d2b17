import type { IncomingHttpHeaders } from 'node:http';
import { isLoopbackHostname } from '../../../shared/loopback';

/** What the server knows of a connection's handshake (Socket.IO's `socket.handshake`). */
export interface Handshake {
  readonly headers: IncomingHttpHeaders;
  /** Whether the connection itself came over TLS. */
  readonly secure: boolean;
}

export type OriginCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Whether a sign-in that names `origin` is for this server. With PUBLIC_URL set, only its origin is. Without,
 * the server is a local one: the origin must be a loopback address and match the connection's Host header and
 * scheme. Host is whatever the connecting party sends, so it cannot vouch for a public name: a server reached
 * by any other name must have its PUBLIC_URL set.
 */
export function checkSignInOrigin(
  origin: string,
  publicOrigin: string | undefined,
  handshake: Handshake,
): OriginCheck {
  if (publicOrigin !== undefined) {
    return origin === publicOrigin
      ? { ok: true }
      : { ok: false, reason: `this server is ${publicOrigin}; connect to it at that address` };
  }
  const host = handshake.headers.host ?? '';
  const scheme = handshake.secure ? 'https' : 'http';
  const here = URL.canParse(`${scheme}://${host}`) ? new URL(`${scheme}://${host}`) : undefined;
  if (!here || !isLoopbackHostname(here.hostname)) {
    return {
      ok: false,
      reason:
        'this server only knows itself as a local one (localhost): ' +
        'its operator must set PUBLIC_URL to the address users connect to',
    };
  }
  return origin === here.origin
    ? { ok: true }
    : { ok: false, reason: `this connection came for ${here.origin}` };
}
