/**
 * `npm run bench`: calls (issue 14) through the built extension, Alice (Chromium, fake camera and microphone)
 * calling by video a Chromium user, then a Firefox user (fake devices by prefs, tests/support/firefox-media.ts).
 *
 * - accept to first remote frame: the callee's window records the accept's click, and each window the first video
 *   frame its remote <video> shows (requestVideoFrameCallback) and the first getStats counts as decoded (polled every
 *   5 ms in the page; it reads later than shown: Chrome's counters lag the frames), all in the pages (frame-watch.ts;
 *   Date.now(), one machine). Median over BENCH_CALLS calls (5).
 * - CPU: each browser's whole process tree from /proc (browser-cpu.ts), as % of one core: first both online with no
 *   call (BENCH_IDLE_SECONDS, 10), then during a video call of BENCH_CALL_SECONDS (30) once media flows, with the
 *   frames each side received over it.
 * Prints figures; asserts nothing. Set BENCH_CALLS_FIREFOX=0 to skip the Firefox pair.
 */
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { enginePage, signUp } from '../tests/support/call-users';
import { eventually, openCallPage } from '../tests/support/call-window';
import { ChromeUser } from '../tests/support/chrome-extension';
import { waitForContact } from '../tests/support/e2e-contacts';
import { engineCall } from '../tests/support/engine-port';
import { firefoxEngineCall } from '../tests/support/firefox-calls';
import { FirefoxUser } from '../tests/support/firefox-extension';
import { FIREFOX_FAKE_MEDIA_PREFS } from '../tests/support/firefox-media';
import { TEST_PASSPHRASE } from '../tests/support/popup-page';
import { startTestServer } from '../tests/support/server';
import { browserCpuOver, type BrowserCpu } from './calls/browser-cpu';
import { chromeCallee, chromeWindow, firefoxCallee, type Callee, type CallWindow } from './calls/callees';
import { describeCpu } from './file-transfer/thread-cpu';
import { browserPid } from './file-transfer/process-memory';

const CALLS = Number(process.env.BENCH_CALLS ?? 5);
const IDLE_MS = Number(process.env.BENCH_IDLE_SECONDS ?? 10) * 1000;
const CALL_MS = Number(process.env.BENCH_CALL_SECONDS ?? 30) * 1000;
const WITH_FIREFOX = process.env.BENCH_CALLS_FIREFOX !== '0';

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const pct = (value: number): string => `${value.toFixed(0)} %`;

interface Caller {
  readonly user: ChromeUser;
  readonly engine: Page;
  readonly pid: number;
}

/** Alice calls by video and the callee accepts: both windows, once the call rings in each and is watched. */
async function placeCall(caller: Caller, callee: Callee): Promise<{ own: CallWindow; theirs: CallWindow }> {
  const own = chromeWindow(await openCallPage(caller.user, `?peer=${callee.userId}&media=video`));
  await own.waitState('ringing');
  const theirs = await callee.ringingWindow();
  await theirs.waitState('ringing');
  await Promise.all([own.watchFrames(), theirs.watchFrames()]);
  await theirs.click('call-accept');
  return { own, theirs };
}

async function hangUp({ own, theirs }: { own: CallWindow; theirs: CallWindow }): Promise<void> {
  await own.click('call-hangup');
  await Promise.all([own.waitState('ended', 'ended'), theirs.waitState('ended', 'ended')]);
  await Promise.all([own.close(), theirs.close()]);
}

/** One timed call: ms from the accept to the first frame decoded and shown, on the caller's and the callee's side. */
async function timedCall(caller: Caller, callee: Callee): Promise<{ decoded: number[]; shown: number[] }> {
  const call = await placeCall(caller, callee);
  const windows = [call.own, call.theirs];
  const marks = await Promise.all(
    windows.map((window) =>
      eventually(
        'first frame decoded',
        () => window.frameMarks(),
        (seen) => seen.decodedAt > 0,
      ),
    ),
  );
  // Shown after decoded; give requestVideoFrameCallback a moment, else report it missing.
  const shown = await Promise.all(
    windows.map((window) =>
      eventually(
        'first frame shown',
        () => window.frameMarks(),
        (seen) => seen.shownAt > 0,
        2_000,
      ).catch(() => undefined),
    ),
  );
  const acceptedAt = (await call.theirs.frameMarks()).acceptedAt;
  await hangUp(call);
  return {
    decoded: marks.map((seen) => seen.decodedAt - acceptedAt),
    shown: shown.map((seen) => (seen && seen.shownAt > 0 ? seen.shownAt - acceptedAt : NaN)),
  };
}

/** CPU over a video call of CALL_MS once frames flow both ways, and the frames each side received meanwhile. */
async function cpuOfCall(caller: Caller, callee: Callee): Promise<{ cpu: BrowserCpu; fps: number[] }> {
  const call = await placeCall(caller, callee);
  const windows = [call.own, call.theirs];
  await Promise.all(windows.map((window) => window.waitState('active')));
  for (const window of windows)
    await eventually(
      'frames flowing',
      () => window.framesDecoded(),
      (frames) => frames > 30,
    );
  const before = await Promise.all(windows.map((window) => window.framesDecoded()));
  const cpu = await browserCpuOver([caller.pid, callee.pid], CALL_MS);
  const after = await Promise.all(windows.map((window) => window.framesDecoded()));
  await hangUp(call);
  return { cpu, fps: after.map((frames, index) => (frames - (before[index] ?? 0)) / (cpu.wallMs / 1000)) };
}

async function benchPair(caller: Caller, callee: Callee, pairLabel: string): Promise<void> {
  const decoded: number[][] = [[], []];
  const shown: number[][] = [[], []];
  for (let index = 0; index < CALLS; index++) {
    const figures = await timedCall(caller, callee);
    figures.decoded.forEach((ms, side) => decoded[side]?.push(ms));
    figures.shown.forEach((ms, side) => shown[side]?.push(ms));
  }
  const idle = await browserCpuOver([caller.pid, callee.pid], IDLE_MS);
  const { cpu, fps } = await cpuOfCall(caller, callee);
  const sides = ['Alice (Chromium, caller)', callee.label];
  console.log(
    `[figures] calls, ${pairLabel}, video, ${CALLS} calls (load average ${loadavg()[0]?.toFixed(2)}):`,
  );
  for (const [side, label] of sides.entries()) {
    const shownMs = (shown[side] ?? []).filter((ms) => !Number.isNaN(ms));
    console.log(
      `  accept to first remote frame, ${label}: shown median ${shownMs.length ? `${median(shownMs)} ms` : 'n/a'} ` +
        `(${(shown[side] ?? []).join(', ')}); decoded (getStats) median ${median(decoded[side] ?? [])} ms`,
    );
  }
  const both = (figures: BrowserCpu) => figures.percent.reduce((sum, value) => sum + value, 0);
  console.log(
    `  CPU, both online with no call (${(idle.wallMs / 1000).toFixed(0)} s): ` +
      `${sides.map((label, side) => `${label.split(' ')[0] ?? label} ${pct(idle.percent[side] ?? NaN)}`).join(', ')}; ` +
      `both ${pct(both(idle))} of one core`,
  );
  console.log(
    `  CPU during a ${(cpu.wallMs / 1000).toFixed(0)} s video call: ` +
      `${sides.map((label, side) => `${label.split(' ')[0] ?? label} ${pct(cpu.percent[side] ?? NaN)}`).join(', ')}; ` +
      `both ${pct(both(cpu))} of one core; frames received ${fps.map((rate) => rate.toFixed(0)).join(' / ')} per s`,
  );
  for (const [side, label] of sides.entries())
    console.log(`    ${label}: ${describeCpu(cpu.threads[side] ?? [], 5)}`);
}

const server = await startTestServer();
const alice = await ChromeUser.launch({ fakeMedia: true });
try {
  const aliceEngine = await enginePage(alice);
  await signUp(aliceEngine, 'Alice', server.url);
  const caller: Caller = { user: alice, engine: aliceEngine, pid: await browserPid(alice.context) };

  const bob = await ChromeUser.launch({ fakeMedia: true });
  try {
    const bobEngine = await enginePage(bob);
    await signUp(bobEngine, 'Bob', server.url);
    await asksUntilTaken(aliceEngine, 'Bob');
    const request = await waitForContact(bobEngine, 'Alice', (contact) => contact.state === 'incoming');
    await engineCall(bobEngine, 'acceptContact', { userId: request.userId });
    const bobId = (await waitForContact(aliceEngine, 'Bob', (contact) => contact.online)).userId;
    await benchPair(
      caller,
      chromeCallee('Bob (Chromium, callee)', bob, bobEngine, bobId, await browserPid(bob.context)),
      'Chromium <-> Chromium',
    );
  } finally {
    await bob.close();
  }

  if (WITH_FIREFOX) {
    const firefox = await FirefoxUser.launch(FIREFOX_FAKE_MEDIA_PREFS);
    try {
      const fiona = (await firefox.welcomePage()).page;
      await firefoxEngineCall(fiona, 'setUp', {
        name: 'Fiona',
        serverUrl: server.url,
        autoLockMinutes: 0,
        passphrase: TEST_PASSPHRASE,
      });
      await asksUntilTaken(aliceEngine, 'Fiona');
      const request = await eventually(
        "Alice's request in Firefox",
        async () =>
          (await firefoxEngineCall(fiona, 'getState', {})).contacts.find(
            (contact) => contact.name === 'Alice' && contact.state === 'incoming',
          ),
        (contact) => contact !== undefined,
      );
      if (!request) throw new Error('calls bench: no request from Alice in Firefox');
      await firefoxEngineCall(fiona, 'acceptContact', { userId: request.userId });
      const fionaId = (await waitForContact(aliceEngine, 'Fiona', (contact) => contact.online)).userId;
      const pid = firefox.browser.process()?.pid;
      if (pid === undefined) throw new Error('calls bench: Firefox was launched with no process to watch');
      await benchPair(
        caller,
        firefoxCallee('Fiona (Firefox, callee)', firefox, fiona, fionaId, pid),
        'Chromium <-> Firefox',
      );
    } finally {
      await firefox.close();
    }
  }
} finally {
  await alice.close();
  await server.close();
}

/** Asks `name` to be a contact until the server knows them (their keys arrive just after they are online). */
async function asksUntilTaken(engine: Page, name: string): Promise<void> {
  await eventually(
    `asks ${name}`,
    () =>
      engineCall(engine, 'addContact', { query: name }).then(
        () => true,
        () => false,
      ),
    (asked) => asked,
  );
}
