import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_IP,
  DEFAULT_SIGN_IN_DEADLINE_MS,
} from '../../../shared/limits';
import { configFromEnv, DEFAULT_DOOR_CONFIG } from '../../../signal-server/src/config';
import { clientAddress } from '../../../signal-server/src/guard/client-address';

describe('the front door in the environment', () => {
  it('defaults to the limits in shared/limits.ts, proxy not trusted', () => {
    const { door } = configFromEnv({});
    expect(door).toEqual(DEFAULT_DOOR_CONFIG);
    expect(door.maxConnections).toBe(DEFAULT_MAX_CONNECTIONS);
    expect(door.maxConnectionsPerIp).toBe(DEFAULT_MAX_CONNECTIONS_PER_IP);
    expect(door.signInDeadlineMs).toBe(DEFAULT_SIGN_IN_DEADLINE_MS);
    expect(door.trustProxy).toBe(false);
  });

  it('reads each variable, in the units its name says', () => {
    const { door } = configFromEnv({
      MAX_CONNECTIONS: '500',
      MAX_CONNECTIONS_PER_IP: '8',
      SIGN_IN_DEADLINE_SECONDS: '3',
      MAX_QUEUED_BYTES_PER_SOCKET: '1048576',
      MAX_QUEUED_BYTES_TOTAL: '67108864',
      IP_EVENTS_PER_SECOND: '100',
      IP_BYTES_PER_SECOND: '65536',
      TRUST_PROXY: 'true',
      NEW_CONNECTIONS_PER_IP_PER_SECOND: '5',
      NEW_IDENTITIES_PER_IP_PER_HOUR: '2',
      FAILED_SIGN_INS_PER_IP_PER_MINUTE: '7',
    });
    expect(door).toEqual({
      maxConnections: 500,
      maxConnectionsPerIp: 8,
      signInDeadlineMs: 3_000,
      maxQueuedBytesPerSocket: 1_048_576,
      maxQueuedBytesTotal: 67_108_864,
      perIp: { eventsPerSecond: 100, bytesPerSecond: 65_536 },
      trustProxy: true,
      newConnectionsPerIpPerSecond: 5,
      newIdentitiesPerIpPerHour: 2,
      failedSignInsPerIpPerMinute: 7,
    });
  });

  it('names each bad variable', () => {
    expect(() => configFromEnv({ MAX_CONNECTIONS_PER_IP: '0', TRUST_PROXY: 'yes' })).toThrow(
      /MAX_CONNECTIONS_PER_IP[\s\S]*TRUST_PROXY: must be true or false/,
    );
  });
});

describe('the address a connection is counted under', () => {
  const request = (remoteAddress: string, forwardedFor?: string): IncomingMessage =>
    ({
      socket: { remoteAddress },
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    }) as unknown as IncomingMessage; // only the two fields clientAddress reads

  it('is the TCP peer unless the proxy is trusted: a client cannot pick its own address', () => {
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'), false)).toBe('203.0.113.9');
  });

  it('behind a trusted proxy, is the entry the proxy appended (the last), not what the client claimed', () => {
    expect(clientAddress(request('127.0.0.1', '198.51.100.1, 203.0.113.7'), true)).toBe('203.0.113.7');
    expect(clientAddress(request('127.0.0.1'), true)).toBe('127.0.0.1');
  });

  it('counts an IPv4 client on a dual-stack socket once', () => {
    expect(clientAddress(request('::ffff:192.0.2.4'), false)).toBe('192.0.2.4');
  });
});
