import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address a connection is counted under. Behind a reverse proxy (`trustProxy`), the TCP peer is the proxy, so
 * the client is the last X-Forwarded-For entry: the one the proxy itself appended (nginx's
 * `$proxy_add_x_forwarded_for`); entries before it are whatever the client claimed and are ignored.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? request.headers['x-forwarded-for'] : undefined;
  const header = Array.isArray(forwarded) ? forwarded.at(-1) : forwarded;
  const last = header?.split(',').at(-1)?.trim();
  return addressKey(last || request.socket.remoteAddress || 'unknown');
}

/**
 * One client, one key. An IPv6 host is given a whole /64 (2^64 addresses, each as good as the next), so IPv6
 * addresses are counted by their /64 (`2001:db8:1:2::/64`); an IPv4 address, also when it shows up mapped into
 * IPv6 (`::ffff:1.2.3.4`, as on a dual-stack socket), is counted as itself. Anything else is kept as it is.
 */
export function addressKey(address: string): string {
  const bare = address.replace(/%.*$/, ''); // a zone index (fe80::1%eth0) names an interface, not a host
  if (!isIPv6(bare)) return address;
  const groups = ipv6Groups(bare);
  const isMapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (isMapped) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 read as two groups). */
function ipv6Groups(address: string): number[] {
  const dotted = address.match(/(\d+\.\d+\.\d+\.\d+)$/)?.[1];
  let text = address;
  if (dotted !== undefined && isIPv4(dotted)) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
    text = `${address.slice(0, -dotted.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const read = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((group) => parseInt(group, 16));
  const front = read(head);
  const back = tail === undefined ? [] : read(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}
