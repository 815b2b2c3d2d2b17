import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { iceServersFor } from '../../../signal-server/src/socket/handlers/ice';
import { configFromEnv } from '../../../signal-server/src/config';

describe('ICE servers and TURN credentials', () => {
  it('offers none by default: no third party learns who talks to whom', () => {
    const { ice } = configFromEnv({});
    expect(iceServersFor(ice, 'a'.repeat(32), 0).iceServers).toEqual([]);
  });

  it('issues coturn shared-secret credentials: user name expiry:userId, password HMAC-SHA1 of it', () => {
    const secret = 'turn-shared-secret-'.repeat(2);
    const { ice } = configFromEnv({
      ICE_URLS:
        'stun:stun.example.org:3478,turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349',
      TURN_SECRET: secret,
      TURN_TTL_SECONDS: '600',
    });
    const now = 1_700_000_000_000;
    const userId = 'b'.repeat(32);
    const { iceServers, expiresAt } = iceServersFor(ice, userId, now);
    expect(expiresAt).toBe(now + 600_000);
    const username = `${(now + 600_000) / 1000}:${userId}`;
    expect(iceServers).toEqual([
      { urls: ['stun:stun.example.org:3478'] },
      {
        urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
        username,
        credential: createHmac('sha1', secret).update(username).digest('base64'),
      },
    ]);
  });

  it('hands out no TURN URL without a secret to sign credentials with', () => {
    const { ice } = configFromEnv({ ICE_URLS: 'turn:turn.example.org:3478' });
    expect(iceServersFor(ice, 'c'.repeat(32), 0).iceServers).toEqual([]);
  });

  it('refuses URLs that are not STUN or TURN', () => {
    expect(() => configFromEnv({ ICE_URLS: 'http://evil.example' })).toThrow(/ICE_URLS/);
  });
});
