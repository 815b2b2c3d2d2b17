/**
 * Servers whose whole storage a test can read as text, to show what is (not) left in it: the embedded SQLite file
 * (every row of every table) and, when redis-server is installed, Redis (every key with its value).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type { TestRedis } from './redis';
import { startTestServer, type TestServer } from './server';

/** A running server and a way to read everything its storage holds, as text. */
export interface Deployment {
  readonly server: TestServer;
  dump(): Promise<string>;
  close(): Promise<void>;
}

/** The embedded store in a SQLite file, read through a connection of its own. */
async function embedded(): Promise<Deployment> {
  const dir = mkdtempSync(join(tmpdir(), 'signal-dump-'));
  const server = await startTestServer({ dataDir: dir });
  const db = new BetterSqlite3(join(dir, 'signal-server.sqlite'), { readonly: true });
  return {
    server,
    async dump() {
      const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
      return tables
        .all()
        .map(({ name }) => `${name} ${JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all())}`)
        .join('\n');
    },
    async close() {
      db.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every key in Redis (SCAN) with its value, whatever its type. */
export async function dumpRedis(client: Redis): Promise<string> {
  const lines: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await client.type(key);
      const value =
        type === 'string'
          ? await client.get(key)
          : type === 'hash'
            ? await client.hgetall(key)
            : type === 'set'
              ? await client.smembers(key)
              : type === 'zset'
                ? await client.zrange(key, '0', '-1', 'WITHSCORES')
                : type === 'list'
                  ? await client.lrange(key, 0, -1)
                  : `(a ${type})`;
      lines.push(`${key} ${JSON.stringify(value)}`);
    }
  } while (cursor !== '0');
  return lines.join('\n');
}

/** A server keeping every store in Redis (emptied first), as when it scales out. */
async function scaledOut(redis: TestRedis | undefined): Promise<Deployment> {
  if (!redis) throw new Error('redis-server did not start');
  const client = redis.client();
  await client.flushall();
  const server = await startTestServer({ redisUrl: redis.url });
  return { server, dump: () => dumpRedis(client), close: () => server.close() };
}

/**
 * The deployments to run a test on, by name: the embedded store, and Redis when `withRedis` (read through
 * `redis()`, which the test file starts in its beforeAll).
 */
export function dumpableDeployments(
  withRedis: boolean,
  redis: () => TestRedis | undefined,
): [string, () => Promise<Deployment>][] {
  const deployments: [string, () => Promise<Deployment>][] = [['SQLite (embedded)', embedded]];
  if (withRedis) deployments.push(['Redis', () => scaledOut(redis())]);
  return deployments;
}
