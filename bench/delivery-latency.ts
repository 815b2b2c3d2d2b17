/**
 * `npm run bench` (second part): delivery latency off the direct path, beside a same-run direct baseline.
 *
 * - direct: engine round trips (page port to page port) between two users with a data channel.
 * - relay: the same between two users whose ICE candidates a middlebox drops, so every message and receipt goes
 *   through the server's mailbox, pushed at once.
 * - mailbox: a user unlocks while 20 messages wait for them on the server; from the Unlock click until all 20 show,
 *   beside the unlock alone (same run) with nothing waiting.
 * Prints figures and ratios; asserts nothing.
 */
import { configFromEnv } from '../signal-server/src/config';
import { onlineUsers, type ChromeUser } from '../tests/support/chrome-extension';
import { startIceBlockingProxy } from '../tests/support/ice-blocking-proxy';
import type { PopupPage } from '../tests/support/popup-page';
import { startTestServer } from '../tests/support/server';
import { engineRoundTrips, summary } from './engine-round-trips';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const WAITING = 20;
const RUNS = 3;

/** Two users chatting; the second reaches the server at `secondUrl`. */
async function pair(
  [first, second]: [string, string],
  serverUrl: string,
  secondUrl = serverUrl,
): Promise<[ChromeUser[], PopupPage, PopupPage]> {
  const { users, popups } = await onlineUsers([first, second], [serverUrl, secondUrl]);
  const [a, b] = popups as [PopupPage, PopupPage];
  await a.openChat(second);
  await b.openChat(first);
  return [users, a, b];
}

async function roundTrips(a: PopupPage, b: PopupPage): Promise<number[]> {
  const [aliceId, bobId] = await Promise.all([a.selfId(), b.selfId()]);
  return engineRoundTrips(a.page, b.page, aliceId, bobId, ROUNDS);
}

// The production mailbox limits (the tests' are small enough to fill).
const server = await startTestServer({ mailbox: configFromEnv({}).mailbox });
const proxy = await startIceBlockingProxy(server.url);
const users: ChromeUser[] = [];
try {
  const [directUsers, a, b] = await pair(['Alice', 'Bob'], server.url);
  users.push(...directUsers);
  await a.waitDirect('Bob');
  const direct = summary(await roundTrips(a, b));

  // Mailbox: Bob away while Alice writes; then unlock until all are shown (and, same run, unlock alone).
  const unlockAlone: number[] = [];
  const unlockToShown: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await b.lock();
    let t0 = performance.now();
    await b.unlock();
    await b.waitOnline();
    unlockAlone.push(performance.now() - t0);
    await b.lock();
    await a.contact('Bob').getByText('offline').waitFor();
    for (let i = 0; i < WAITING; i++) await a.send(`run ${run} waiting ${i}`);
    await a.waitStatus(`run ${run} waiting ${WAITING - 1}`, 'sent');
    t0 = performance.now();
    await b.unlock();
    await b.openChat('Alice');
    await b.message(`run ${run} waiting ${WAITING - 1}`).waitFor();
    unlockToShown.push(performance.now() - t0);
    await a.contact('Bob').getByText('offline').waitFor({ state: 'detached' });
  }

  const [relayUsers, c, d] = await pair(['Carol', 'Dave'], server.url, proxy.url);
  users.push(...relayUsers);
  // The first message each way waits out the attempt at a direct channel.
  await c.send('open the relay');
  await d.message('open the relay').waitFor();
  await d.send('and back');
  await c.message('and back').waitFor();
  const relay = summary(await roundTrips(c, d));

  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  const line = (s: { p50: number; p95: number; max: number }): string =>
    `p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, max ${ms(s.max)}`;
  const [alone, shown] = [summary(unlockAlone), summary(unlockToShown)];
  console.log(
    `delivery latency: loopback, same run; ${ROUNDS} round trips, ${RUNS} mailbox runs of ${WAITING}`,
  );
  console.log(`  direct (engine to engine over a data channel): round trip ${line(direct)}`);
  console.log(`  relay (through the server's mailbox, pushed at once): round trip ${line(relay)}`);
  console.log(`  relay / direct round trip p50: ${(relay.p50 / direct.p50).toFixed(1)}x`);
  console.log(
    `  mailbox: unlock alone ${line(alone)}; unlock until ${WAITING} waiting messages show ${line(shown)}`,
  );
  console.log(`  mailbox delivery of ${WAITING} after unlock (p50 difference): ${ms(shown.p50 - alone.p50)}`);
} finally {
  await Promise.all(users.map((user) => user.close()));
  await proxy.close();
  await server.close();
}
