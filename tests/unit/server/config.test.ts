import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../../signal-server/src/config';

describe('server configuration', () => {
  it('has an embedded default that listens on localhost:3000', () => {
    const config = configFromEnv({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', logLevel: 'info', dataDir: 'data' });
    expect(config.redisUrl).toBeUndefined();
    expect(config.mailbox).toMatchObject({ ttlMs: 30 * 24 * 60 * 60 * 1000, maxMessages: 1000 });
    expect(config.ticketSecret.length).toBe(32);
  });

  it('scales out with REDIS_URL, and takes mailbox limits', () => {
    const config = configFromEnv({
      REDIS_URL: 'redis://cache:6379',
      MAILBOX_TTL_DAYS: '7',
      MAILBOX_MAX_MESSAGES: '50',
    });
    expect(config.redisUrl).toBe('redis://cache:6379');
    expect(config.mailbox).toMatchObject({ ttlMs: 7 * 86_400_000, maxMessages: 50, maxFromOneSender: 50 });
    expect(() => configFromEnv({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL: must be a redis:\/\//);
  });

  it('names every bad variable and how to fix it', () => {
    expect(() => configFromEnv({ PORT: 'eighty', TICKET_SECRET: 'short' })).toThrow(
      /PORT.*TICKET_SECRET: must be at least 32 characters/,
    );
  });
});
