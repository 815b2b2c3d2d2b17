/**
 * `npm run bench` (after the build): how fast the popup opens a long conversation, and how much JavaScript it loads.
 *
 * - A profile with one contact and a conversation of HISTORY messages with them: two real users become contacts,
 *   then the history is put in through the product's own backup restore (a backup file built here, sealed as the
 *   extension seals one), which writes it the way the vault stores every message.
 * - Each run opens popup.html in a new tab; a script of the page's own (added before the popup's) clicks the
 *   contact once it is listed and tells on the console the time at which the newest SHOWN messages are in the DOM
 *   and a frame has been painted, counted from the page's navigation start, and when the popup's own script started
 *   (its files loaded). The bench waits for that message: no automation runs in the page while it opens.
 * - After the restore, the bench waits for the machine to be quiet (the browser compacts its storage for a while).
 * - The first run after the restore is the engine's first read of the conversation (its newest messages read from
 *   IndexedDB by the conversation's index); the runs after it find them in the engine's memory, as a popup opened
 *   again does: first popups reopened on the conversation (the popup opens where it was left), then popups left on
 *   the list, where the script clicks the contact.
 * - Then the engine's own answers over a port: the newest page, and searches (one finding its matches among the
 *   newest, one finding nothing, which reads the whole history once).
 * - BENCH_POPUP_PROFILE=<dir>: CPU profiles of the first open and of a warm one, and a trace of a warm one.
 * - The popup page's JavaScript: every script popup.html loads at once (its module and the chunks it preloads),
 *   gzipped at the default level.
 * - The same opens again with nothing attached to the popup (popup-unattached.ts): Playwright instruments every page
 *   it sees while it loads, which the popup's users never have. Each reopened popup there is followed by the floor
 *   page (floor-page.ts): a page that only asks the engine for the newest messages and writes them as paragraphs.
 *   The bench runs on a copy of the build with that page added.
 * - The browser's own part, in a Chromium with no automation attached (page-start.ts): when popup.html's script
 *   starts, beside a blank extension page's: what any extension page takes here before its script runs.
 * Prints figures; asserts nothing.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomId } from '../shared/ids';
import { decryptBackup, encryptBackup } from '../extension/lib/vault/backup';
import type { ChatMessage } from '../extension/lib/model';
import { LAST_CONVERSATION_KEY } from '../extension/lib/ui/last-conversation';
import type { ConsoleMessage, Page } from 'playwright-core';
import { CHROME_BUILD, ChromeUser } from '../tests/support/chrome-extension';
import { HISTORY_PAGE } from '../extension/hooks/useConversation';
import { becomeContacts } from '../tests/support/e2e-contacts';
import { engineCall } from '../tests/support/engine-port';
import { TEST_PASSPHRASE } from '../tests/support/popup-page';
import { startTestServer } from '../tests/support/server';
import { startProfile, startTimeline, stopProfile } from './cpu-profile';
import { machineBusyMs } from './server-load/server-process';
import { summary } from './engine-round-trips';
import { pageStarts } from './page-start';
import { unattachedOpens, type UnattachedOpens } from './popup-unattached';
import { WATCH_POPUP, type Run, type Target } from './popup-watch';
import { FLOOR_PAGE, writeFloorPage } from './floor-page';

const HISTORY = Number(process.env.BENCH_HISTORY ?? 100_000);
/** The newest messages that must be on screen. */
const SHOWN = 50;
const RUNS = Number(process.env.BENCH_POPUP_RUNS ?? 7);
const OUTPUT = join(import.meta.dirname, '..', '.output', 'chrome-mv3');

/** Every script popup.html loads before its app runs: its module and what it preloads. */
export function popupScriptBytes(output = OUTPUT): { files: number; raw: number; gzip: number } {
  const html = readFileSync(join(output, 'popup.html'), 'utf8');
  const scripts = [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="([^"]+\.js)"/g)].map(
    ([, path]) => path ?? '',
  );
  let raw = 0;
  let gzip = 0;
  for (const path of new Set(scripts)) {
    const bytes = readFileSync(join(output, path));
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  return { files: new Set(scripts).size, raw, gzip };
}

/** A conversation of `count` messages with `peerId`, both ways, a minute apart, all read. */
function conversation(peerId: string, count: number): ChatMessage[] {
  const start = Date.now() - count * 60_000;
  return Array.from({ length: count }, (_, n): ChatMessage => {
    const out = n % 3 !== 0;
    return {
      id: randomId(),
      peerId,
      direction: out ? 'out' : 'in',
      text: `message ${n}: ${out ? 'on my way, see you at the station' : 'great, the train leaves at eight'}`,
      sentAt: start + n * 60_000,
      status: 'read',
      via: 'direct',
    };
  });
}

/** The console message with a run's times (see watchPopup). */
const OPENED = 'popup-open:shown';

/**
 * Installed in each new page before its scripts: watches it (WATCH_POPUP) and tells on the console (OPENED, then its
 * Run as JSON). The bench waits for that message rather than poll the page, so no automation runs in it while it opens.
 */
function watchPopup(target: Target): string {
  return `(${WATCH_POPUP})(window, ${JSON.stringify(target)}).then(
    (run) => console.info(${JSON.stringify(OPENED)}, JSON.stringify(run)),
    (error) => console.error(String(error)),
  );`;
}

/** Opens popup.html in a new tab and waits for its run's times, told on its console. */
async function openPopup(user: ChromeUser, errors: string[]): Promise<{ page: Page; run: Promise<Run> }> {
  const page = await user.context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  const run = nextRun(page);
  await page.goto(`chrome-extension://${user.extensionId}/popup.html`);
  return { page, run };
}

/** The times the page tells next (after a load or a reload), waited for up to two minutes. */
function nextRun(page: Page): Promise<Run> {
  const told = new Promise<Run>((resolve) => {
    const listener = (message: ConsoleMessage): void => {
      const text = message.text();
      if (!text.startsWith(`${OPENED} `)) return;
      page.off('console', listener);
      // Our own init script's JSON (watchPopup).
      resolve(JSON.parse(text.slice(OPENED.length + 1)) as Run);
    };
    page.on('console', listener);
  });
  return within(told, 120_000, 'the conversation shown');
}

/** `promise`, or a rejection naming what did not come after `ms` (its timer cleared either way). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`popup-open: ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * BENCH_POPUP_PROFILE=<dir>: the first run and one more open (a reload of an opened popup) CPU-profiled, each
 * written to that folder, with its busiest functions. Extension pages share one process: the engine's session
 * (the offscreen document) samples the popup's main thread too, across the popup's navigation.
 */
const PROFILE_DIR = process.env.BENCH_POPUP_PROFILE;

async function profileReload(user: ChromeUser, dir: string): Promise<string[]> {
  const { page, run } = await openPopup(user, []);
  await run;
  const session = await user.engineCdp();
  await startProfile(session);
  let next = nextRun(page);
  await page.reload();
  await next;
  const top = await stopProfile(session, join(dir, 'popup-open.warm.cpuprofile'));
  // The same again, traced: script, style, layout and paint of the process.
  const tracing = await user.engineCdp();
  const timeline = await startTimeline(tracing);
  next = nextRun(page);
  await page.reload();
  await next;
  const kinds = await timeline.stop(join(dir, 'popup-open.warm.trace.json'));
  await page.close();
  return ['warm open (a reload), popup and engine', ...top, 'warm open (a reload), traced', ...kinds];
}

/** The engine's own answers, asked over a port of a page as the popup asks (a new port each: a few ms more). */
interface EngineTimes {
  /** openConversation for the newest page (100 messages), the conversation held: each answer's time. */
  readonly page: number[];
  /** A search whose matches are among the newest messages, before any other search. */
  readonly found: number;
  /** A search that finds nothing (the whole history read): the first (read from disk), then held. */
  readonly search: readonly [number, number];
}

async function engineTimes(user: ChromeUser, peerId: string): Promise<EngineTimes> {
  const page = await user.context.newPage();
  await page.goto(`chrome-extension://${user.extensionId}/popup.html`);
  const timed = async (ask: () => Promise<unknown>): Promise<number> => {
    const start = performance.now();
    await ask();
    return performance.now() - start;
  };
  const pages: number[] = [];
  for (let run = 0; run < RUNS; run++)
    pages.push(await timed(() => engineCall(page, 'openConversation', { peerId, limit: HISTORY_PAGE })));
  const found = await timed(() => engineCall(page, 'searchConversation', { peerId, query: 'the station' }));
  const search = () =>
    timed(() => engineCall(page, 'searchConversation', { peerId, query: 'nowhere to be found' }));
  const first = await search();
  const held = await search();
  await page.close();
  return { page: pages, found, search: [first, held] };
}

/** Goes back to the list, as a user does before closing the popup, and waits until the popup has noted it. */
async function leaveOnList(page: Page): Promise<void> {
  await page.getByTestId('back').click();
  await page.locator('.screen:not([inert]) .conversation-list').waitFor();
  await page.waitForFunction(
    async (key) =>
      (
        await (
          globalThis as unknown as {
            chrome: { storage: { session: { get(key: string): Promise<Record<string, unknown>> } } };
          }
        ).chrome.storage.session.get(key)
      )[key] === undefined,
    LAST_CONVERSATION_KEY,
  );
}

/** The most time quiet() waits, in ms. */
const SETTLE_MAX_MS = 60_000;

/**
 * Waits until the machine is quiet (less than a quarter of a core busy over a second): the restore leaves the
 * browser compacting its storage for a while, and opens timed meanwhile measured that. At most SETTLE_MAX_MS;
 * resolves with the time waited.
 */
async function quiet(): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < SETTLE_MAX_MS) {
    const busy = machineBusyMs();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if (machineBusyMs() - busy < 250) break;
  }
  return performance.now() - start;
}

async function openTimes(): Promise<{
  first: Run;
  reopened: Run[];
  fromList: Run[];
  restoreMs: number;
  settled: number;
  profile: string[];
  engine: EngineTimes;
  unattached: UnattachedOpens;
}> {
  const server = await startTestServer();
  // A copy of the build, for the floor page to go in beside the popup (the profile's extension is that copy).
  const copy = mkdtempSync(join(tmpdir(), 'messenger-popup-open-'));
  const extension = join(copy, 'extension');
  cpSync(CHROME_BUILD, extension, { recursive: true });
  const [alice, bob] = await Promise.all([
    ChromeUser.launch({ extension }),
    ChromeUser.launch({ extension }),
  ]);
  try {
    const [a, b] = await Promise.all([alice.openPopup(), bob.openPopup()]);
    await a.chooseName('Alice', server.url);
    await b.chooseName('Bob', server.url);
    await Promise.all([a.waitOnline(), b.waitOnline()]);
    await becomeContacts({ page: a.page, name: 'Alice' }, { page: b.page, name: 'Bob' });
    const bobId = await b.selfId();
    await bob.close();
    writeFloorPage(extension, { peerId: bobId, limit: HISTORY_PAGE, shown: SHOWN });

    // Alice's own backup, with the long conversation put in, restored: the history as the vault writes it.
    const { backup } = await engineCall(a.page, 'exportBackup', { passphrase: TEST_PASSPHRASE });
    const content = await decryptBackup(backup, TEST_PASSPHRASE);
    const messages = conversation(bobId, HISTORY);
    const seeded = await encryptBackup({ ...content, messages }, TEST_PASSPHRASE);
    const restoring = performance.now();
    await engineCall(a.page, 'importBackup', { passphrase: TEST_PASSPHRASE, backup: seeded });
    const restoreMs = performance.now() - restoring;
    await a.close();

    const settled = await quiet();
    const newest = messages.at(-1)?.text ?? '';
    await alice.context.addInitScript(watchPopup({ contact: 'Bob', newest, shown: SHOWN }));
    const times: Run[] = [];
    const profile: string[] = [];
    // Run 0: the first open, from the list. Then RUNS reopened on the conversation the last one showed (as the
    // popup does), then RUNS from the list: each of those follows a popup left on the list (back, then closed).
    const LIST_FROM = RUNS + 1;
    for (let run = 0; run < 2 * RUNS + 1; run++) {
      const profiling = PROFILE_DIR && run === 0 ? await alice.engineCdp() : undefined;
      if (profiling) await startProfile(profiling);
      const errors: string[] = [];
      const { page, run: opened } = await openPopup(alice, errors);
      times.push(
        await opened.catch(async (error: unknown) => {
          const shot = join(tmpdir(), `popup-open-${run}.png`);
          await page.screenshot({ path: shot });
          throw new Error(
            `popup-open: run ${run} never showed the conversation (the page: ${shot}; errors: ${errors.join('; ')})`,
            { cause: error },
          );
        }),
      );
      if (run + 1 >= LIST_FROM) await leaveOnList(page);
      if (profiling && PROFILE_DIR)
        profile.push(
          'first open, popup and engine',
          ...(await stopProfile(profiling, join(PROFILE_DIR, 'popup-open.first.cpuprofile'))),
        );
      // BENCH_POPUP_SCREENSHOT=<file.png>: what the last run showed, to look at.
      const screenshot = process.env.BENCH_POPUP_SCREENSHOT;
      if (screenshot && run === 2 * RUNS) await page.screenshot({ path: screenshot });
      await page.close();
    }
    const [first, ...warm] = times;
    if (!first) throw new Error('popup-open: no run');
    const reopened = warm.slice(0, RUNS);
    const fromList = warm.slice(RUNS);
    if (reopened.some(({ clicked }) => clicked !== null) || fromList.some(({ clicked }) => clicked === null))
      throw new Error('popup-open: a reopened popup showed the list, or one left on the list did not');
    if (PROFILE_DIR) profile.push(...(await profileReload(alice, PROFILE_DIR)));
    const engine = await engineTimes(alice, bobId);
    // The same opens in a browser with nothing attached to the popup, on the same profile.
    const unattached = await unattachedOpens(await alice.closeBrowser(), {
      contact: 'Bob',
      newest,
      shown: SHOWN,
      passphrase: TEST_PASSPHRASE,
      runs: RUNS,
      lastConversationKey: LAST_CONVERSATION_KEY,
      settle: quiet,
      extension,
      floorPage: FLOOR_PAGE,
    });
    return { first, reopened, fromList, restoreMs, settled, profile, engine, unattached };
  } finally {
    await Promise.all([alice.close(), bob.close().catch(() => undefined)]);
    await server.close();
    rmSync(copy, { recursive: true, force: true });
  }
}

const { first, reopened, fromList, restoreMs, settled, profile, engine, unattached } = await openTimes();
await quiet();
const starts = await pageStarts(RUNS);
const scripts = popupScriptBytes();
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const figures = ({ p50, p95, max }: { p50: number; p95: number; max: number }): string =>
  `p50 ${ms(p50)}, p95 ${ms(p95)}, max ${ms(max)}`;
/** From navigation start to the script's start (the page and its files loaded), and from there to the messages shown. */
const split = (runs: readonly Run[], page = "the popup's"): string =>
  `${page} script started at p50 ${ms(summary(runs.map(({ started }) => started)).p50)}, then the messages shown in ${figures(summary(runs.map(({ started, shown }) => shown - started)))}`;
const load = loadavg()
  .map((value) => value.toFixed(1))
  .join(' ');
console.log(
  `popup open: a conversation of ${HISTORY} messages (seeded by a backup restore in ${ms(restoreMs)}, then ${ms(settled)} until the machine was quiet); load average now ${load} on ${availableParallelism()} cores`,
);
console.log(
  `  popup reopened on the conversation it showed last, to the newest ${SHOWN} messages shown: ${figures(summary(reopened.map(({ shown }) => shown)))} (${reopened.length} runs, the engine holding the conversation; ${split(reopened)})`,
);
const clicked = (run: Run): number => run.clicked ?? Number.NaN;
console.log(
  `  popup opened on the list, the conversation clicked, to the newest ${SHOWN} messages shown: ${figures(summary(fromList.map(({ shown }) => shown)))} (${fromList.length} runs; the list shown and clicked at p50 ${ms(summary(fromList.map(clicked)).p50)}, then the conversation shown in p50 ${ms(summary(fromList.map((run) => run.shown - clicked(run))).p50)}; ${split(fromList)})`,
);
console.log(
  `  first open after the restore (the engine reads the conversation from disk): ${ms(first.shown)} (the conversation shown ${ms(first.shown - clicked(first))} after the click)`,
);
console.log(
  `  popup page JavaScript: ${kb(scripts.gzip)} gzipped (${kb(scripts.raw)} raw, ${scripts.files} files loaded by popup.html)`,
);
const enginePage = summary(engine.page);
console.log(
  `  the engine's answer for the newest 100 messages: p50 ${ms(enginePage.p50)}, max ${ms(enginePage.max)}; a search finding its matches among the newest: ${ms(engine.found)}; a search that finds nothing: ${ms(engine.search[0])} the first time (the whole history read), then ${ms(engine.search[1])}`,
);
console.log(
  `  the same with nothing attached to the popup (Chromium launched by the bench on this profile, a watcher in another extension page; ${RUNS} runs each): reopened on the conversation p50 ${ms(summary(unattached.reopened.map(({ shown }) => shown)).p50)} (${split(unattached.reopened)}); opened on the list and clicked p50 ${ms(summary(unattached.fromList.map(({ shown }) => shown)).p50)} (${split(unattached.fromList)})`,
);
console.log(
  `  the floor, in the same browser, each right after a reopened popup: a page that only asks the engine for the newest ${HISTORY_PAGE} messages first thing and writes the newest ${SHOWN} as paragraphs, no styles: shown at p50 ${ms(summary(unattached.floor.map(({ shown }) => shown)).p50)} (${split(unattached.floor, 'its')}); the popup over it by p50 ${ms(summary(unattached.reopened.map(({ shown }, run) => shown - (unattached.floor[run]?.shown ?? Number.NaN))).p50)}`,
);
console.log(
  `  the browser's own part (Chromium with nothing attached, the two pages alternating, ${RUNS} runs each): an extension page with one empty module script starts it at p50 ${ms(summary(starts.blank).p50)}, popup.html's script at p50 ${ms(summary(starts.popup).p50)} (its ${scripts.files} files loaded and run up to the app's start)`,
);
for (const line of profile) console.log(`  ${line}`);
