import { Redis } from 'ioredis';
import type { ServerConfig } from './config';
import type { Logger } from './logger';
import { createEmbeddedStores, createRedisStores, type Stores } from './stores';
import { openDatabase } from './stores/sqlite/database';
import type { ReportUnreadable } from './stores/stored';

/** What the server keeps its state in: the embedded SQLite file, or Redis shared by several processes. */
export interface Backend {
  readonly stores: Stores;
  /** Present when scaled out: the connections the Socket.IO Redis adapter publishes and subscribes on. */
  readonly redis?: { readonly pub: Redis; readonly sub: Redis };
  close(): Promise<void>;
}

export async function openBackend(
  config: Pick<ServerConfig, 'dataDir' | 'redisUrl' | 'mailbox' | 'presenceTtlMs'>,
  logger: Logger,
): Promise<Backend> {
  // A stored value that does not parse is read as absent; the log names its key, never its content.
  const reportUnreadable: ReportUnreadable = ({ key, problem }) =>
    logger.error({ key, problem }, 'stored value does not parse; read as absent');
  if (config.redisUrl === undefined) {
    const db = openDatabase(config.dataDir);
    return {
      stores: createEmbeddedStores(db, config.mailbox, { reportUnreadable }),
      async close() {
        db.close();
      },
    };
  }
  const pub = new Redis(config.redisUrl, { lazyConnect: true });
  const sub = pub.duplicate();
  // ioredis reconnects by itself; say so in the log rather than as an unhandled 'error' event.
  for (const connection of [pub, sub])
    connection.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
  await Promise.all([pub.connect(), sub.connect()]);
  const stores = createRedisStores(pub, config.mailbox, {
    presenceTtlMs: config.presenceTtlMs,
    reportUnreadable,
  });
  // Alive before the first session: other processes release the users of a process they think dead.
  await stores.presence.heartbeat();
  return {
    stores,
    redis: { pub, sub },
    async close() {
      await Promise.all([pub.quit(), sub.quit()]);
    },
  };
}
