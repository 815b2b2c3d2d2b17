import { DEFAULT_DOOR_CONFIG, type DoorConfig, type ServerConfig } from '../../signal-server/src/config';
import { createEmbeddedStores, type Stores } from '../../signal-server/src/stores';
import type { MailboxLimits } from '../../signal-server/src/stores/mailbox';
import { openDatabase } from '../../signal-server/src/stores/sqlite/database';

/** Small quotas, so tests can fill a mailbox. */
export const TEST_MAILBOX_LIMITS: MailboxLimits = {
  ttlMs: 60_000,
  maxMessages: 20,
  maxBytes: 64 * 1024,
  maxFromOneSender: 10,
  maxBytesFromSender: 128 * 1024,
  newSender: { ageMs: 24 * 60 * 60 * 1000, maxMessages: 15, maxBytes: 48 * 1024 },
  maxTotalBytes: 1024 * 1024,
};

/**
 * The front door for tests: the defaults, except the rates at which one address may open connections, bring
 * new identities and fail sign-ins. Every test connects from 127.0.0.1 and most sign in fresh identities, dozens
 * a file; tests of those limits (door-newcomers.test.ts, door-failed-sign-ins.test.ts) set them low themselves.
 */
export const TEST_DOOR_CONFIG: DoorConfig = {
  ...DEFAULT_DOOR_CONFIG,
  newConnectionsPerIpPerSecond: 100_000,
  newIdentitiesPerIpPerHour: 100_000,
  failedSignInsPerIpPerMinute: 100_000,
};

/** The server's configuration for tests: fixed ticket secret, no ICE servers. */
export const testServerConfig = (overrides: Partial<ServerConfig> = {}): ServerConfig => ({
  port: 0,
  host: '127.0.0.1',
  logLevel: 'debug',
  ticketSecret: Buffer.from('test-secret-'.repeat(3)),
  dataDir: ':memory:',
  mailbox: TEST_MAILBOX_LIMITS,
  ice: { urls: [], turnTtlSeconds: 3600 },
  presenceTtlMs: 15_000,
  door: TEST_DOOR_CONFIG,
  ...overrides,
});

/** The embedded stores over an in-memory SQLite database. */
export const memoryStores = (): Stores => createEmbeddedStores(openDatabase(':memory:'), TEST_MAILBOX_LIMITS);
