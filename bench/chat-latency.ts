/**
 * `npm run bench`: chat latency through the real extension, beside a same-run baseline.
 *
 * - baseline: two bare PeerJS peers in two separate headless Chromium instances (as two users are), signaled by
 *   the same server; one echoes. Connect time and data channel round trip: no engine, no extension messaging.
 * - extension engine: two Chromium users with the built extension. Each page talks to its engine over the same
 *   Port protocol the popup uses; B's page answers each ping. Timed inside A's page: no automation in the path.
 * - extension UI: a message typed (by automation) in one popup until it shows in the other, and the reply back.
 * - where the engine's time goes: a CPU profile of both engines over more round trips, by area (engine-profile.ts);
 *   then the same round trips from popup pages without their app, which shows the popup's share of the thread.
 * Prints figures and ratios; asserts nothing.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/browsers';
import { ChromeUser } from '../tests/support/chrome-extension';
import {
  openPeerjsPage,
  pagePeerOptions,
  type PageDataConnection,
  type PagePeer,
  type PagePeerjs,
} from '../tests/support/peerjs-page';
import { becomeContacts } from '../tests/support/e2e-contacts';
import { signIn } from '../tests/support/identity';
import { makeContacts } from '../tests/support/presence-tokens';
import { connect, startTestServer, type TestClient } from '../tests/support/server';
import { describeProfile, startEngineProfile, type ProfileSummary } from './engine-profile';
import { engineRoundTrips, summary } from './engine-round-trips';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const UNLOCK_ROUNDS = 5;
/** Round trips run again, after the timed ones, under a CPU profile of both engines. */
const PROFILE_ROUNDS = Number(process.env.BENCH_PROFILE_ROUNDS ?? 40);

async function baselineFigures(serverUrl: string): Promise<{ connect: number; roundTrips: number[] }> {
  const sockets: TestClient[] = [];
  const browsers: Browser[] = [];
  try {
    const peers: { page: Page; id: string }[] = [];
    for (const name of ['BaselineA', 'BaselineB']) {
      const socket = await connect(serverUrl);
      sockets.push(socket);
      const result = await signIn(socket, name);
      if (!result.ok) throw new Error(result.error.message);
      const browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      browsers.push(browser);
      const page = await browser.newPage();
      await openPeerjsPage(page, `${serverUrl}/health`);
      await page.evaluate(
        async ({ id, options }) => {
          const { Peer } = (window as unknown as PagePeerjs).peerjs;
          const peer = new Peer(id, options);
          (window as unknown as { peer: PagePeer }).peer = peer;
          peer.on('connection', (conn: PageDataConnection) => conn.on('data', (data) => conn.send(data)));
          await new Promise<void>((resolve) => peer.on('open', () => resolve()));
        },
        { id: result.data.peer.peerId, options: pagePeerOptions(serverUrl, result.data.peer.ticket) },
      );
      peers.push({ page, id: result.data.peer.peerId });
    }
    // The server relays signaling only between contacts: the two present a common presence token.
    await makeContacts(...sockets);
    const [a, b] = peers as [(typeof peers)[0], (typeof peers)[0]];
    return await a.page.evaluate(
      async ({ target, rounds }) => {
        const { peer } = window as unknown as { peer: PagePeer };
        const start = performance.now();
        const conn = peer.connect(target, { serialization: 'json', reliable: true });
        await new Promise<void>((resolve) => conn.on('open', () => resolve()));
        const connectMs = performance.now() - start;
        let pending: (() => void) | undefined;
        conn.on('data', () => pending?.());
        const roundTrips: number[] = [];
        for (let i = 0; i < rounds; i++) {
          const t0 = performance.now();
          await new Promise<void>((resolve) => {
            pending = resolve;
            conn.send({ i });
          });
          roundTrips.push(performance.now() - t0);
        }
        return { connect: connectMs, roundTrips };
      },
      { target: b.id, rounds: ROUNDS },
    );
  } finally {
    await Promise.all(browsers.map((browser) => browser.close()));
    for (const socket of sockets) socket.close();
  }
}

/**
 * The popup page without its app (its script answered empty): a page the engine serves, that renders nothing.
 * Round trips from it show what the engine costs without the popup drawing each message on the same thread.
 */
async function barePopup(user: ChromeUser): Promise<Page> {
  const script = '**/chunks/popup-*.js';
  await user.context.route(script, (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }),
  );
  const page = await user.context.newPage();
  await page.goto(`chrome-extension://${user.extensionId}/popup.html`);
  await user.context.unroute(script); // popups opened later get their app
  return page;
}

async function extensionFigures(serverUrl: string): Promise<{
  connect: number;
  engine: number[];
  ui: number[];
  unlock: number[];
  profiles: [ProfileSummary, ProfileSummary];
  bare: number[];
  bareProfiles: [ProfileSummary, ProfileSummary];
}> {
  const [alice, bob] = await Promise.all([ChromeUser.launch(), ChromeUser.launch()]);
  try {
    const [a, b] = await Promise.all([alice.openPopup(), bob.openPopup()]);
    await a.chooseName('Alice', serverUrl);
    await b.chooseName('Bob', serverUrl);
    await Promise.all([a.waitOnline(), b.waitOnline()]);
    // Contacts, each online to the other first: the figure below is the peer connection alone.
    await becomeContacts({ page: a.page, name: 'Alice' }, { page: b.page, name: 'Bob' });
    const start = performance.now();
    await a.openChat('Bob');
    await a.waitDirect('Bob');
    const connectMs = performance.now() - start;
    await b.openChat('Alice');
    const ui: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      await a.send(`typed ${i}`);
      await b.message(`typed ${i}`).waitFor();
      await b.send(`reply ${i}`);
      await a.message(`reply ${i}`).waitFor();
      ui.push(performance.now() - t0);
    }
    const [aliceId, bobId] = await Promise.all([a.selfId(), b.selfId()]);
    const engine = await engineRoundTrips(a.page, b.page, aliceId, bobId, ROUNDS);
    const stops = await Promise.all([
      startEngineProfile(alice, 'alice-engine'),
      startEngineProfile(bob, 'bob-engine'),
    ]);
    await engineRoundTrips(a.page, b.page, aliceId, bobId, PROFILE_ROUNDS);
    const profiles = (await Promise.all(stops.map((stop) => stop()))) as [ProfileSummary, ProfileSummary];
    // The same with no popup app: the popup pages close and bare ones hold the ports.
    const [bareA, bareB] = await Promise.all([barePopup(alice), barePopup(bob)]);
    await Promise.all([a.page.close(), b.page.close()]);
    const bare = await engineRoundTrips(bareA, bareB, aliceId, bobId, ROUNDS);
    const bareStops = await Promise.all([
      startEngineProfile(alice, 'alice-engine-bare'),
      startEngineProfile(bob, 'bob-engine-bare'),
    ]);
    await engineRoundTrips(bareA, bareB, aliceId, bobId, PROFILE_ROUNDS);
    const bareProfiles = (await Promise.all(bareStops.map((stop) => stop()))) as [
      ProfileSummary,
      ProfileSummary,
    ];
    // Unlock: scrypt at full cost, opening the vault, and the chat view back (click to status bar).
    const popup = await alice.openPopup();
    const unlock: number[] = [];
    for (let i = 0; i < UNLOCK_ROUNDS; i++) {
      await popup.lock();
      const t0 = performance.now();
      await popup.unlock();
      await popup.status().waitFor();
      unlock.push(performance.now() - t0);
    }
    return { connect: connectMs, engine, ui, unlock, profiles, bare, bareProfiles };
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
}

const server = await startTestServer();
try {
  const baseline = await baselineFigures(server.url);
  const extension = await extensionFigures(server.url);
  const [b, en, ui] = [summary(baseline.roundTrips), summary(extension.engine), summary(extension.ui)];
  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  const line = (s: { p50: number; p95: number; max: number }): string =>
    `p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, max ${ms(s.max)}`;
  console.log(`chat latency: ${ROUNDS} round trips each, loopback, two browsers, same run`);
  console.log(
    `  baseline (bare PeerJS, two Chromium): connect ${ms(baseline.connect)}; round trip ${line(b)}`,
  );
  console.log(`  extension engine (page port to page port): round trip ${line(en)}`);
  console.log(
    `  extension UI (typed by automation, seen in the other popup): connect ${ms(extension.connect)}; round trip ${line(ui)}`,
  );
  console.log(
    `  unlock (scrypt N=2^17 r=8 p=1 in the engine, then the chat view; ${UNLOCK_ROUNDS} runs): ${line(summary(extension.unlock))}`,
  );
  console.log(
    `  ratios to baseline: connect ${(extension.connect / baseline.connect).toFixed(1)}x; engine round trip p50 ${(en.p50 / b.p50).toFixed(1)}x; UI round trip p50 ${(ui.p50 / b.p50).toFixed(1)}x`,
  );
  console.log(
    `  where the engine's time goes per round trip, in ms of its renderer thread (CPU profile of ${PROFILE_ROUNDS} more round trips; the popup shares the thread):`,
  );
  console.log(`    Alice (sends ping, gets pong): ${describeProfile(extension.profiles[0], PROFILE_ROUNDS)}`);
  console.log(`    Bob (answers):                 ${describeProfile(extension.profiles[1], PROFILE_ROUNDS)}`);
  const bare = summary(extension.bare);
  console.log(
    `  extension engine with no popup app (bare popup.html pages hold the ports; nothing renders): round trip ${line(bare)}; p50 ${(bare.p50 / b.p50).toFixed(1)}x baseline`,
  );
  console.log(`    Alice: ${describeProfile(extension.bareProfiles[0], PROFILE_ROUNDS)}`);
  console.log(`    Bob:   ${describeProfile(extension.bareProfiles[1], PROFILE_ROUNDS)}`);
} finally {
  await server.close();
}
