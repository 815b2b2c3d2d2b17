import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress } from '../../../signal-server/src/guard/client-address';

const request = (remoteAddress: string, forwardedFor?: string): IncomingMessage =>
  ({
    socket: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('addressKey', () => {
  it('counts every address of one IPv6 /64 as one', () => {
    const keys = [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0db8:0001:0002:abcd:0:0:1',
      '2001:DB8:1:2::dead:beef',
      '2001:db8:1:2::1.2.3.4',
    ].map(addressKey);
    expect(new Set(keys)).toEqual(new Set(['2001:db8:1:2::/64']));
  });

  it('tells different /64s apart', () => {
    expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('counts an IPv4 address mapped into IPv6 as the IPv4 address, in either notation', () => {
    expect(addressKey('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(addressKey('::FFFF:1.2.3.4')).toBe('1.2.3.4');
    expect(addressKey('::ffff:0102:0304')).toBe('1.2.3.4');
    expect(addressKey('0:0:0:0:0:ffff:7f00:1')).toBe('127.0.0.1');
    expect(addressKey('1.2.3.4')).toBe('1.2.3.4');
  });

  it('keeps what is no IP address as it is', () => {
    expect(addressKey('unknown')).toBe('unknown');
  });
});

describe('clientAddress', () => {
  it('groups the TCP peer by /64, and the forwarded client behind a trusted proxy', () => {
    expect(clientAddress(request('2001:db8:1:2::7'), false)).toBe('2001:db8:1:2::/64');
    expect(clientAddress(request('::ffff:127.0.0.1'), false)).toBe('127.0.0.1');
    // Behind a proxy, a client claiming a different address of its /64 on every request is still one client.
    const claimed = ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:aaaa::3'].map((address) =>
      clientAddress(request('127.0.0.1', `1.1.1.1, ${address}`), true),
    );
    expect(new Set(claimed)).toEqual(new Set(['2001:db8:1:2::/64']));
    expect(clientAddress(request('127.0.0.1', '::ffff:10.0.0.1'), true)).toBe('10.0.0.1');
  });
});
