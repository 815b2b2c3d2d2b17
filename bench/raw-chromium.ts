/**
 * Chromium launched by the bench itself and driven through the DevTools protocol, with nothing attached to a page
 * unless asked: Playwright attaches to every page it can see and instruments it while it loads (its traffic shares
 * the browser's threads with the page), which the popup's users never have. page-start.ts and popup-unattached.ts
 * open the popup in it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { CHROME_BUILD } from '../tests/support/chrome-extension';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/browsers';

interface Reply {
  readonly id?: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly message: string };
}

export interface RawChromium {
  /** The extension's id (its worker runs). */
  readonly extensionId: string;
  /** One DevTools command, to the browser or (sessionId) to an attached page. */
  send(method: string, params?: object, sessionId?: string): Promise<Record<string, unknown>>;
  /** Opens `path` of the extension in a new tab, in front and attached to nothing; gives its target id. */
  open(path: string): Promise<string>;
  /** Attaches to a tab and evaluates `expression` there (a promise is awaited); gives its value. */
  evaluate(targetId: string, expression: string): Promise<unknown>;
  close(targetId: string): Promise<void>;
  quit(): Promise<void>;
}

/** Launches headless Chromium on `profileDir` with the extension at `extension` (the build by default). */
export async function launchRawChromium(profileDir: string, extension = CHROME_BUILD): Promise<RawChromium> {
  const chromium = spawn(
    CHROMIUM_PATH,
    [
      ...CHROMIUM_ARGS,
      '--headless',
      // As Playwright launches it for the other figures: a page behind the front one (the popup-open watcher) keeps
      // its timers; the popup itself is the front tab either way.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      `--user-data-dir=${profileDir}`,
      '--remote-debugging-port=0',
      `--disable-extensions-except=${extension}`,
      `--load-extension=${extension}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    const socket = new WebSocket(await devToolsUrl(chromium));
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
          if (reply.error) reject(new Error(`raw-chromium: ${method}: ${reply.error.message}`));
          else resolve(reply.result ?? {});
        });
        socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      });
    const extensionId = await extensionOf(send);
    const sessions = new Map<string, string>();
    return {
      extensionId,
      send,
      async open(path) {
        const { targetId } = await send('Target.createTarget', {
          url: `chrome-extension://${extensionId}/${path}`,
        });
        return String(targetId);
      },
      async evaluate(targetId, expression) {
        let sessionId = sessions.get(targetId);
        if (!sessionId) {
          sessionId = String((await send('Target.attachToTarget', { targetId, flatten: true })).sessionId);
          sessions.set(targetId, sessionId);
        }
        const { result, exceptionDetails } = (await send(
          'Runtime.evaluate',
          { expression, returnByValue: true, awaitPromise: true },
          sessionId,
        )) as { result?: { value?: unknown }; exceptionDetails?: { exception?: { description?: string } } };
        if (exceptionDetails)
          throw new Error(`raw-chromium: ${exceptionDetails.exception?.description ?? 'the page threw'}`);
        return result?.value;
      },
      async close(targetId) {
        sessions.delete(targetId);
        await send('Target.closeTarget', { targetId });
      },
      async quit() {
        socket.close();
        await stop(chromium);
      },
    };
  } catch (error) {
    await stop(chromium);
    throw error;
  }
}

async function stop(chromium: ChildProcess): Promise<void> {
  if (chromium.exitCode !== null) return;
  const exited = new Promise((resolve) => chromium.once('exit', resolve));
  chromium.kill();
  await exited;
}

/** The browser's DevTools address, from the line Chromium prints on its standard error. */
function devToolsUrl(chromium: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error('raw-chromium: Chromium printed no DevTools address')),
      30_000,
    );
    chromium.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = /DevTools listening on (ws:\S+)/.exec(text);
      if (!found?.[1]) return;
      clearTimeout(timer);
      resolve(found[1]);
    });
  });
}

/** The id of the one extension loaded, once its worker runs. */
async function extensionOf(send: (method: string) => Promise<Record<string, unknown>>): Promise<string> {
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
  throw new Error('raw-chromium: the extension never started');
}
