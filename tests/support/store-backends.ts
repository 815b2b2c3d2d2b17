import { afterAll, beforeAll } from 'vitest';
import { randomId } from '../../shared/ids';
import { createRedisStores, type Stores } from '../../signal-server/src/stores';
import { redisAvailable, startRedis, type TestRedis } from './redis';
import { TEST_MAILBOX_LIMITS, memoryStores } from './stores';

/**
 * The stores to run a file's store tests against: embedded SQLite, and Redis when redis-server is installed (started
 * before the file's tests and stopped after them; each Redis store under a prefix of its own). Call at top level.
 */
export function storeBackends(): {
  withRedis: boolean;
  redis: () => TestRedis | undefined;
  backends: [string, () => Stores][];
} {
  let redis: TestRedis | undefined;
  const withRedis = redisAvailable();
  beforeAll(async () => {
    if (withRedis) redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const backends: [string, () => Stores][] = [['SQLite (embedded)', memoryStores]];
  if (withRedis) {
    backends.push([
      'Redis',
      () => {
        if (!redis) throw new Error('redis-server did not start');
        return createRedisStores(redis.client(), TEST_MAILBOX_LIMITS, { prefix: `t${randomId()}:` });
      },
    ]);
  }
  return { withRedis, redis: () => redis, backends };
}
