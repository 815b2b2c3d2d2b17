import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export const REDIS_SERVER_PATH = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

/**
 * Whether the Redis tests can run. Never a silent skip: under CI a missing redis-server fails the run,
 * elsewhere the tests skip with a loud message saying how to install it.
 */
export function redisAvailable(): boolean {
  if (existsSync(REDIS_SERVER_PATH)) return true;
  const message = `redis-server not found at ${REDIS_SERVER_PATH}: install it (Debian: apt-get install -y redis-server) or set REDIS_SERVER_PATH`;
  if (process.env.CI) throw new Error(`Redis tests are required under CI. ${message}`);
  console.error(`\n!!! SKIPPING REDIS TESTS: ${message}\n`);
  return false;
}

export interface TestRedis {
  readonly url: string;
  /** A new client; closed by stop(). */
  client(): Redis;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A throwaway Debian redis-server on 127.0.0.1, nothing saved to disk. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    REDIS_SERVER_PATH,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const clients: Redis[] = [];
  const client = (): Redis => {
    const redis = new Redis(url, { maxRetriesPerRequest: 3 });
    clients.push(redis);
    return redis;
  };
  const probe = client();
  probe.on('error', () => undefined); // refused until redis-server listens; the loop below waits for that
  for (let attempt = 0; ; attempt++) {
    try {
      await probe.ping();
      break;
    } catch (error) {
      if (attempt > 50)
        throw new Error(`startRedis: redis-server did not answer on ${url}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    client,
    async stop() {
      await Promise.all(clients.map((redis) => redis.quit().catch(() => undefined)));
      child.kill();
    },
  };
}
