import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../../signal-server/src/config';

describe('server configuration', () => {
  it('has an embedded default that listens on localhost:3000', () => {
    const config = configFromEnv({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', logLevel: 'info' });
    expect(config.ticketSecret.length).toBe(32);
  });

  it('names every bad variable and how to fix it', () => {
    expect(() => configFromEnv({ PORT: 'eighty', TICKET_SECRET: 'short' })).toThrow(
      /PORT.*TICKET_SECRET: must be at least 32 characters/,
    );
  });
});
