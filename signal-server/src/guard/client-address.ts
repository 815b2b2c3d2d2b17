import type { IncomingMessage } from 'node:http';

/**
 * The address a connection is counted under. Behind a reverse proxy (`trustProxy`), the TCP peer is the proxy, so
 * the client is the last X-Forwarded-For entry: the one the proxy itself appended (nginx's
 * `$proxy_add_x_forwarded_for`); entries before it are whatever the client claimed and are ignored.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? request.headers['x-forwarded-for'] : undefined;
  const header = Array.isArray(forwarded) ? forwarded.at(-1) : forwarded;
  const last = header?.split(',').at(-1)?.trim();
  const address = last || request.socket.remoteAddress || 'unknown';
  // One client, one key: an IPv4 peer on a dual-stack socket shows up as ::ffff:a.b.c.d.
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
