import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { onlineUsers, type ChromeUser } from '../support/chrome-extension';
import type { PopupPage } from '../support/popup-page';
import { redisAvailable, startRedis, type TestRedis } from '../support/redis';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const ready = browserAvailable(CHROMIUM_PATH, 'Chromium') && redisAvailable();

describe.runIf(ready)('two users on two server processes sharing one Redis', () => {
  let redis: TestRedis;
  const servers: ServerProcess[] = [];
  const users: ChromeUser[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, TICKET_SECRET: 'shared-ticket-secret-'.repeat(2) };
    servers.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(users.map((user) => user.close()));
    await Promise.all(servers.map((server) => server.stop()));
    await redis.stop();
  });

  it('see each other, chat over a direct data channel, and exchange offline mail', async () => {
    const online = await onlineUsers(
      ['Alice', 'Bob'],
      servers.map((server) => server.url),
    );
    users.push(...online.users);
    const [alice, bob] = online.popups as [PopupPage, PopupPage];

    // Presence across processes, then a peer connection whose signaling crosses them.
    await alice.openChat('Bob');
    await alice.waitDirect('Bob');
    await alice.send('across the cluster');
    await bob.openChat('Alice');
    await bob.message('across the cluster').waitFor();
    await alice.waitStatus('across the cluster', 'read');
    expect(await alice.pathOf('across the cluster')).toBe('direct');

    // Offline mail: written through one process, held in Redis, fetched through the other.
    await bob.lock();
    await alice.contact('Bob').getByText('offline').waitFor();
    await alice.send('held in Redis');
    await alice.waitStatus('held in Redis', 'sent');
    expect(await alice.pathOf('held in Redis')).toBe('via server');
    await bob.unlock();
    await bob.openChat('Alice');
    await bob.message('held in Redis').waitFor();
    expect((await bob.messageTexts()).filter((text) => text === 'held in Redis')).toHaveLength(1);
  });
});
