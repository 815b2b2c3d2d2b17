import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AccountStore } from './accounts';
import type { BlockStore } from './blocks';
import type { MailboxLimits, MailboxStore } from './mailbox';
import { createMemoryPresenceStore } from './memory/presence';
import type { PrekeyStore } from './prekeys';
import type { ProfileStore } from './profiles';
import { createRedisProfileStore } from './redis/profiles';
import { createSqliteProfileStore } from './sqlite/profiles';
import type { PresenceStore } from './presence';
import type { RoomStore } from './rooms';
import { createRedisRoomStore } from './redis/rooms';
import { createSqliteRoomStore } from './sqlite/rooms';
import { createRedisAccountStore } from './redis/accounts';
import { createRedisBlockStore } from './redis/blocks';
import { createRedisMailboxStore } from './redis/mailbox';
import { createRedisPrekeyStore } from './redis/prekeys';
import { createRedisPresenceStore } from './redis/presence';
import { createSqliteAccountStore } from './sqlite/accounts';
import { createSqliteBlockStore } from './sqlite/blocks';
import type { Database } from './sqlite/database';
import { createSqliteMailboxStore } from './sqlite/mailbox';
import { createSqlitePrekeyStore } from './sqlite/prekeys';
import { warnUnreadable, type ReportUnreadable } from './stored';

/** How long a server process counts as alive after its last heartbeat, in ms (it beats every third of it). */
export const PRESENCE_TTL_MS = 15_000;

export interface Stores {
  readonly accounts: AccountStore;
  readonly presence: PresenceStore;
  readonly prekeys: PrekeyStore;
  readonly mailbox: MailboxStore;
  readonly rooms: RoomStore;
  readonly blocks: BlockStore;
  readonly profiles: ProfileStore;
}

/**
 * The default: the embedded SQLite database for what must survive a restart (names, prekeys, the mailbox, rooms,
 * blocks, sealed profiles); presence (and the presence tokens each user presents) in this process, since nobody is online after a
 * restart.
 */
export function createEmbeddedStores(
  db: Database,
  limits: MailboxLimits,
  { reportUnreadable = warnUnreadable }: { reportUnreadable?: ReportUnreadable } = {},
): Stores {
  return {
    accounts: createSqliteAccountStore(db),
    presence: createMemoryPresenceStore(),
    prekeys: createSqlitePrekeyStore(db, reportUnreadable),
    mailbox: createSqliteMailboxStore(db, limits, reportUnreadable),
    rooms: createSqliteRoomStore(db, reportUnreadable),
    blocks: createSqliteBlockStore(db),
    profiles: createSqliteProfileStore(db, reportUnreadable),
  };
}

/** Scale-out: every store in Redis, shared by all server processes behind one address. */
export function createRedisStores(
  redis: Redis,
  limits: MailboxLimits,
  {
    prefix = 'tm:',
    processId = randomUUID(),
    presenceTtlMs = PRESENCE_TTL_MS,
    reportUnreadable = warnUnreadable,
  }: {
    prefix?: string;
    processId?: string;
    presenceTtlMs?: number;
    /** Told of each stored value that does not parse (which is then read as absent). */
    reportUnreadable?: ReportUnreadable;
  } = {},
): Stores {
  return {
    accounts: createRedisAccountStore(redis, prefix),
    presence: createRedisPresenceStore(redis, prefix, processId, presenceTtlMs, reportUnreadable),
    prekeys: createRedisPrekeyStore(redis, prefix, reportUnreadable),
    mailbox: createRedisMailboxStore(redis, prefix, limits, reportUnreadable),
    rooms: createRedisRoomStore(redis, prefix, reportUnreadable),
    blocks: createRedisBlockStore(redis, prefix),
    profiles: createRedisProfileStore(redis, prefix, reportUnreadable),
  };
}
