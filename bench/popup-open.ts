/**
 * `npm run bench` (after the build): how fast the popup opens a long conversation, and how much JavaScript it loads.
 *
 * - A profile with one contact and a conversation of HISTORY messages with them: two real users become contacts,
 *   then the history is put in through the product's own backup restore (a backup file built here, sealed as the
 *   extension seals one), which writes it the way the vault stores every message.
 * - Each run opens popup.html in a new tab; a script of the page's own (added before the popup's, so no automation
 *   is in the path) clicks the contact once it is listed and notes the time at which the newest SHOWN messages are
 *   in the DOM and a frame has been painted, counted from the page's navigation start.
 * - The first run after the restore is the engine's first read of the conversation (its newest messages read from
 *   IndexedDB by the conversation's index); the runs after it find them in the engine's memory, as a popup opened
 *   again does.
 * - Then the engine's own answers over a port: the newest page, and searches (one finding its matches among the
 *   newest, one finding nothing, which reads the whole history once).
 * - BENCH_POPUP_PROFILE=<dir>: CPU profiles of the first open and of a warm one, and a trace of a warm one.
 * - The popup page's JavaScript: every script popup.html loads at once (its module and the chunks it preloads),
 *   gzipped at the default level.
 * Prints figures; asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomId } from '../shared/ids';
import { decryptBackup, encryptBackup } from '../extension/lib/vault/backup';
import type { ChatMessage } from '../extension/lib/model';
import { ChromeUser } from '../tests/support/chrome-extension';
import { becomeContacts } from '../tests/support/e2e-contacts';
import { engineCall } from '../tests/support/engine-port';
import { TEST_PASSPHRASE } from '../tests/support/popup-page';
import { startTestServer } from '../tests/support/server';
import { startProfile, startTimeline, stopProfile } from './cpu-profile';
import { summary } from './engine-round-trips';

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

/**
 * Installed in each new page before its scripts: opens the conversation with `contact` once listed, and puts in
 * `window.__shownAt` the time (ms since navigation start) the newest `shown` messages were in the DOM, painted.
 * Source text, not a function: what tsx compiles names its functions through a helper the page does not have.
 */
function watchPopup({ contact, newest, shown }: { contact: string; newest: string; shown: number }): string {
  return `(() => {
    const [contact, newest, shown] = ${JSON.stringify([contact, newest, shown])};
    // The entry clicked, and when: clicked again if nothing came of it (the app may not listen yet).
    let clicked;
    let clickedAt = -Infinity;
    const check = () => {
      const log = document.querySelector('[data-testid="messages"]');
      if (!log) {
        const entry = [...document.querySelectorAll('[data-testid="contact"]')].find((candidate) =>
          candidate.textContent.includes(contact),
        );
        if (entry && (entry !== clicked || performance.now() - clickedAt > 500)) {
          clicked = entry;
          clickedAt = performance.now();
          window.__clickedAt ??= clickedAt;
          entry.click();
        }
        return;
      }
      const texts = log.querySelectorAll('[data-testid="message-text"]');
      if (texts.length < shown || texts[texts.length - 1].textContent !== newest) return;
      observer.disconnect();
      clearInterval(timer);
      // After the next frame's paint: what the user sees.
      requestAnimationFrame(() => setTimeout(() => { window.__shownAt = performance.now(); }));
    };
    const observer = new MutationObserver(check);
    const timer = setInterval(check, 100);
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  })();`;
}

/** When, in ms from the page's navigation start, the list was first clicked and the conversation shown. */
interface Run {
  readonly clicked: number;
  readonly shown: number;
}

/**
 * BENCH_POPUP_PROFILE=<dir>: the first run and one more open (a reload of an opened popup) CPU-profiled, each
 * written to that folder, with its busiest functions. Extension pages share one process: the engine's session
 * (the offscreen document) samples the popup's main thread too, across the popup's navigation.
 */
const PROFILE_DIR = process.env.BENCH_POPUP_PROFILE;

async function profileReload(user: ChromeUser, dir: string): Promise<string[]> {
  const page = await user.context.newPage();
  await page.goto(`chrome-extension://${user.extensionId}/popup.html`);
  const shown = () =>
    page.waitForFunction(() => (window as unknown as { __shownAt?: number }).__shownAt, null, {
      timeout: 120_000,
    });
  await shown();
  const session = await user.engineCdp();
  await startProfile(session);
  await page.reload();
  await shown();
  const top = await stopProfile(session, join(dir, 'popup-open.warm.cpuprofile'));
  // The same again, traced: script, style, layout and paint of the process.
  const tracing = await user.engineCdp();
  const timeline = await startTimeline(tracing);
  await page.reload();
  await shown();
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
    pages.push(await timed(() => engineCall(page, 'openConversation', { peerId, limit: 100 })));
  const found = await timed(() => engineCall(page, 'searchConversation', { peerId, query: 'the station' }));
  const search = () =>
    timed(() => engineCall(page, 'searchConversation', { peerId, query: 'nowhere to be found' }));
  const first = await search();
  const held = await search();
  await page.close();
  return { page: pages, found, search: [first, held] };
}

async function openTimes(): Promise<{
  first: Run;
  warm: Run[];
  restoreMs: number;
  profile: string[];
  engine: EngineTimes;
}> {
  const server = await startTestServer();
  const [alice, bob] = await Promise.all([ChromeUser.launch(), ChromeUser.launch()]);
  try {
    const [a, b] = await Promise.all([alice.openPopup(), bob.openPopup()]);
    await a.chooseName('Alice', server.url);
    await b.chooseName('Bob', server.url);
    await Promise.all([a.waitOnline(), b.waitOnline()]);
    await becomeContacts({ page: a.page, name: 'Alice' }, { page: b.page, name: 'Bob' });
    const bobId = await b.selfId();
    await bob.close();

    // Alice's own backup, with the long conversation put in, restored: the history as the vault writes it.
    const { backup } = await engineCall(a.page, 'exportBackup', { passphrase: TEST_PASSPHRASE });
    const content = await decryptBackup(backup, TEST_PASSPHRASE);
    const messages = conversation(bobId, HISTORY);
    const seeded = await encryptBackup({ ...content, messages }, TEST_PASSPHRASE);
    const restoring = performance.now();
    await engineCall(a.page, 'importBackup', { passphrase: TEST_PASSPHRASE, backup: seeded });
    const restoreMs = performance.now() - restoring;
    await a.close();

    const newest = messages.at(-1)?.text ?? '';
    await alice.context.addInitScript(watchPopup({ contact: 'Bob', newest, shown: SHOWN }));
    const times: { shown: number; clicked: number }[] = [];
    const profile: string[] = [];
    for (let run = 0; run < RUNS + 1; run++) {
      const profiling = PROFILE_DIR && run === 0 ? await alice.engineCdp() : undefined;
      if (profiling) await startProfile(profiling);
      const page = await alice.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(`chrome-extension://${alice.extensionId}/popup.html`);
      const shownAt = await page
        .waitForFunction(() => (window as unknown as { __shownAt?: number }).__shownAt, null, {
          timeout: 120_000,
        })
        .catch(async (error: unknown) => {
          const shot = join(tmpdir(), `popup-open-${run}.png`);
          await page.screenshot({ path: shot });
          throw new Error(
            `popup-open: run ${run} never showed the conversation (the page: ${shot}; errors: ${errors.join('; ')})`,
            {
              cause: error,
            },
          );
        });
      const clickedAt = await page.evaluate(() => (window as unknown as { __clickedAt: number }).__clickedAt);
      times.push({ shown: Number(await shownAt.jsonValue()), clicked: clickedAt });
      if (profiling && PROFILE_DIR)
        profile.push(
          'first open, popup and engine',
          ...(await stopProfile(profiling, join(PROFILE_DIR, 'popup-open.first.cpuprofile'))),
        );
      // BENCH_POPUP_SCREENSHOT=<file.png>: what the last run showed, to look at.
      const screenshot = process.env.BENCH_POPUP_SCREENSHOT;
      if (screenshot && run === RUNS) await page.screenshot({ path: screenshot });
      await page.close();
    }
    const [first, ...warm] = times;
    if (!first) throw new Error('popup-open: no run');
    if (PROFILE_DIR) profile.push(...(await profileReload(alice, PROFILE_DIR)));
    const engine = await engineTimes(alice, bobId);
    return { first, warm, restoreMs, profile, engine };
  } finally {
    await Promise.all([alice.close(), bob.close().catch(() => undefined)]);
    await server.close();
  }
}

const { first, warm, restoreMs, profile, engine } = await openTimes();
const scripts = popupScriptBytes();
const open = summary(warm.map(({ shown }) => shown));
const list = summary(warm.map(({ clicked }) => clicked));
const conversationOpen = summary(warm.map(({ clicked, shown }) => shown - clicked));
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const load = loadavg()
  .map((value) => value.toFixed(1))
  .join(' ');
console.log(
  `popup open: a conversation of ${HISTORY} messages (seeded by a backup restore in ${ms(restoreMs)}); load average now ${load} on ${availableParallelism()} cores`,
);
console.log(
  `  popup opened to the newest ${SHOWN} messages shown: p50 ${ms(open.p50)}, p95 ${ms(open.p95)}, max ${ms(open.max)} (${warm.length} runs, the engine holding the conversation; of which the list shown and clicked at p50 ${ms(list.p50)}, then the conversation shown in p50 ${ms(conversationOpen.p50)})`,
);
console.log(
  `  first open after the restore (the engine reads the conversation from disk): ${ms(first.shown)} (the conversation shown ${ms(first.shown - first.clicked)} after the click)`,
);
console.log(
  `  popup page JavaScript: ${kb(scripts.gzip)} gzipped (${kb(scripts.raw)} raw, ${scripts.files} files loaded by popup.html)`,
);
const enginePage = summary(engine.page);
console.log(
  `  the engine's answer for the newest 100 messages: p50 ${ms(enginePage.p50)}, max ${ms(enginePage.max)}; a search finding its matches among the newest: ${ms(engine.found)}; a search that finds nothing: ${ms(engine.search[0])} the first time (the whole history read), then ${ms(engine.search[1])}`,
);
for (const line of profile) console.log(`  ${line}`);
