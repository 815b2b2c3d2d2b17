/**
 * The browser's own part of opening the popup, measured with nothing attached while the pages load: when an
 * extension page's script starts, for popup.html and for a page with one empty module script (the floor: what
 * Chromium takes here to open any extension page before a line of its script runs).
 *
 * Playwright attaches to every page it can see and instruments it while it loads, and its traffic shares the
 * browser's threads with the loading page. So this launches Chromium itself, with a copy of the build that holds
 * the one blank page more, opens each page through the DevTools protocol, and attaches to it only once it has
 * loaded, to read its `popup:start` mark (mount-page.tsx sets it in popup.html; the blank page's script sets it too).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CHROME_BUILD } from '../tests/support/chrome-extension';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/browsers';

/** The blank page put in the copy of the build: one module script that marks its start, as the popup's does. */
const BLANK = 'bench-blank.html';
const BLANK_HTML = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>blank</title><script type="module" src="/bench-blank.js"></script></head><body></body></html>`;
const BLANK_SCRIPT = `performance.mark('popup:start');`;
/** How long a page is given to load before the bench attaches to it and reads its mark. */
const LOAD_MS = 1_500;

/** Script starts in ms from each page's navigation start, in the order opened (the two pages alternate). */
export interface PageStarts {
  readonly blank: number[];
  readonly popup: number[];
}

interface Reply {
  readonly id?: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly message: string };
}

export async function pageStarts(runs: number): Promise<PageStarts> {
  const dir = mkdtempSync(join(tmpdir(), 'messenger-page-start-'));
  const build = join(dir, 'extension');
  cpSync(CHROME_BUILD, build, { recursive: true });
  writeFileSync(join(build, BLANK), BLANK_HTML);
  writeFileSync(join(build, 'bench-blank.js'), BLANK_SCRIPT);
  const chromium = spawn(
    CHROMIUM_PATH,
    [
      ...CHROMIUM_ARGS,
      '--headless',
      `--user-data-dir=${join(dir, 'profile')}`,
      '--remote-debugging-port=0',
      `--disable-extensions-except=${build}`,
      `--load-extension=${build}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    const socket = new WebSocket(await devToolsUrl(chromium.stderr));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    let nextId = 0;
    const waiting = new Map<number, (reply: Reply) => void>();
    socket.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString()) as Reply; // the browser's DevTools protocol
      if (reply.id !== undefined) waiting.get(reply.id)?.(reply);
    });
    const send = (
      method: string,
      params: object = {},
      sessionId?: string,
    ): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        waiting.set(id, (reply) => {
          waiting.delete(id);
          if (reply.error) reject(new Error(`page-start: ${method}: ${reply.error.message}`));
          else resolve(reply.result ?? {});
        });
        socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      });
    const extension = await extensionId(send);
    const started = async (page: string): Promise<number> => {
      const { targetId } = await send('Target.createTarget', {
        url: `chrome-extension://${extension}/${page}`,
      });
      await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
      const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
      const { result } = await send(
        'Runtime.evaluate',
        {
          expression: `performance.getEntriesByName('popup:start')[0]?.startTime ?? -1`,
          returnByValue: true,
        },
        String(sessionId),
      );
      await send('Target.closeTarget', { targetId });
      const time = (result as { value?: unknown } | undefined)?.value;
      if (typeof time !== 'number' || time < 0)
        throw new Error(`page-start: ${page} never started its script`);
      return time;
    };
    const starts: PageStarts = { blank: [], popup: [] };
    // One of each first, not counted: the first open of a page reads its files from disk.
    await started(BLANK);
    await started('popup.html');
    for (let run = 0; run < runs; run++) {
      starts.blank.push(await started(BLANK));
      starts.popup.push(await started('popup.html'));
    }
    socket.close();
    return starts;
  } finally {
    chromium.kill();
    await new Promise((resolve) => chromium.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The browser's DevTools address, from the line Chromium prints on its standard error. */
function devToolsUrl(stderr: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error('page-start: Chromium printed no DevTools address')),
      30_000,
    );
    stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = /DevTools listening on (ws:\S+)/.exec(text);
      if (!found?.[1]) return;
      clearTimeout(timer);
      resolve(found[1]);
    });
  });
}

/** The id of the one extension loaded, once its worker runs. */
async function extensionId(
  send: (method: string, params?: object) => Promise<Record<string, unknown>>,
): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { targetInfos } = (await send('Target.getTargets')) as {
      targetInfos: { type: string; url: string }[];
    };
    const worker = targetInfos.find(
      ({ type, url }) => type === 'service_worker' && url.startsWith('chrome-extension://'),
    );
    if (worker) return new URL(worker.url).host;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('page-start: the extension never started');
}
