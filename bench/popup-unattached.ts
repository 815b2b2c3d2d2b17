/**
 * The popup's opening as its users have it: nothing attached to the popup while it loads. Chromium is launched by
 * the bench (raw-chromium.ts) on the profile popup-open.ts seeded; a watcher runs in another page of the extension
 * (options.html, in the same process), finds each new popup window among the extension's views as soon as it
 * exists, and watches it as popup-open.ts's page script does (WATCH_POPUP, popup-watch.ts): it clicks the contact
 * when the list shows, and tells when the newest messages are in the DOM and painted, in ms from the popup's
 * navigation start.
 *
 * After the browser restarts, the vault is locked: the watcher unlocks it over the engine's port, as a page does
 * (askEngineInPage, as the tests ask).
 */
import { launchRawChromium, type RawChromium } from './raw-chromium';
import { WATCH_MS, WATCH_POPUP, type Run, type Target } from './popup-watch';
import { askEngineInPage } from '../tests/support/engine-port';

export interface UnattachedOpens {
  readonly reopened: Run[];
  readonly fromList: Run[];
  /** The floor page (floor-page.ts), each opened right after a reopened popup. */
  readonly floor: Run[];
}

interface Options extends Target {
  readonly passphrase: string;
  readonly runs: number;
  /** The popup's storage.session key of the conversation it was left on. */
  readonly lastConversationKey: string;
  /** Waits for the machine to be quiet: a browser that opens a large profile compacts its storage for a while. */
  readonly settle: () => Promise<unknown>;
  /** The unpacked extension the profile was seeded with (its id comes from its folder). */
  readonly extension: string;
  /** The floor page's file, in that extension. */
  readonly floorPage: string;
}

/**
 * The watcher, as source text (the page gets only its source): `__bench.arm(path)` starts looking for the next
 * window of the page at `path` (the popup's, or the floor's), `__bench.result()` gives its run, `__bench.leave()`
 * goes back to the list as a user does before closing the popup, `__bench.unlock(passphrase)` opens the vault over
 * the engine's port.
 */
function watcher({
  contact,
  newest,
  shown,
  lastConversationKey,
}: Omit<Options, 'runs' | 'passphrase' | 'settle' | 'extension' | 'floorPage'>): string {
  return `(() => {
    const [target, lastKey] = ${JSON.stringify([{ contact, newest, shown }, lastConversationKey])};
    const seen = new WeakSet();
    let popup; // the window armed for last: leave() is asked after a popup's
    let running;
    const askPage = ${askEngineInPage.toString()};
    const ask = (method, params) => askPage({ method, params }).then((result) => {
      if (!result.ok) throw new Error(method + ': ' + result.error?.message);
      return result.data;
    });
    const watch = ${WATCH_POPUP};
    globalThis.__bench = {
      arm(path) {
        const before = new Set(chrome.extension.getViews({ type: 'tab' }));
        running = new Promise((resolve, reject) => {
          const deadline = performance.now() + ${WATCH_MS};
          const find = () => {
            const win = chrome.extension.getViews({ type: 'tab' }).find((view) =>
              view.location.pathname === path && !before.has(view) && !seen.has(view));
            if (win) {
              seen.add(win);
              popup = win;
              watch(win, target).then(resolve, reject);
            } else if (performance.now() > deadline) reject(new Error('no ' + path + ' window came'));
            else setTimeout(find, 2);
          };
          find();
        });
        running.catch(() => undefined);
      },
      result: () => running,
      async leave() {
        popup.document.querySelector('[data-testid="back"]').click();
        for (let wait = 0; wait < 1200; wait++) {
          const listed = popup.document.querySelector('.screen:not([inert]) .conversation-list');
          if (listed && (await chrome.storage.session.get(lastKey))[lastKey] === undefined) return;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error('the popup did not go back to the list');
      },
      async unlock(passphrase) {
        // Open, and still open a while later: the engine's document may be made again as the browser starts.
        let open = 0;
        for (let wait = 0; wait < 600; wait++) {
          const state = await ask('getState', {}).catch(() => undefined);
          if (state?.vault === 'locked') await ask('unlock', { passphrase });
          open = state?.vault === 'unlocked' ? open + 1 : 0;
          if (open === 10) return;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        throw new Error('the vault did not open');
      },
      vault: () => ask('getState', {}).then((state) => state.vault),
    };
  })()`;
}

/**
 * Runs popup-open.ts's opens again (a first one not counted, then reopened, each followed by the floor page, then
 * from the list) in a Chromium of its own.
 */
export async function unattachedOpens(profileDir: string, options: Options): Promise<UnattachedOpens> {
  const chromium = await launchRawChromium(profileDir, options.extension);
  try {
    // Only the bench's pages: a tab the profile had open comes back as the browser starts, and would render too.
    const { targetInfos } = (await chromium.send('Target.getTargets')) as {
      targetInfos: { type: string; url: string; targetId: string }[];
    };
    for (const { type, targetId } of targetInfos) if (type === 'page') await chromium.close(targetId);
    const watcherTab = await chromium.open('options.html');
    await loaded(chromium, watcherTab);
    await chromium.evaluate(watcherTab, watcher(options));
    await chromium.evaluate(watcherTab, `__bench.unlock(${JSON.stringify(options.passphrase)})`);
    await options.settle();
    const open = async (leave: boolean, page = 'popup.html'): Promise<Run> => {
      await chromium.evaluate(watcherTab, `__bench.arm(${JSON.stringify(`/${page}`)})`);
      const tab = await chromium.open(page);
      const run = (await chromium.evaluate(watcherTab, '__bench.result()')) as Run; // the watcher's own
      if (leave) await chromium.evaluate(watcherTab, '__bench.leave()');
      await chromium.close(tab);
      return run;
    };
    // The first open after the restart reads the conversation from disk: not counted. It leaves the popup on it.
    await open(false);
    const reopened: Run[] = [];
    const floor: Run[] = [];
    for (let run = 0; run < options.runs; run++) {
      // The last one is left on the list, for the opens from it (the floor page does not move the popup).
      reopened.push(await open(run === options.runs - 1));
      floor.push(await open(false, options.floorPage));
    }
    const fromList: Run[] = [];
    for (let run = 0; run < options.runs; run++) fromList.push(await open(true));
    if (reopened.some(({ clicked }) => clicked !== null) || fromList.some(({ clicked }) => clicked === null))
      throw new Error('popup-unattached: a reopened popup showed the list, or one left on the list did not');
    return { reopened, fromList, floor };
  } finally {
    await chromium.quit();
  }
}

/** Waits until the tab has loaded its page (it starts on about:blank). */
async function loaded(chromium: RawChromium, tab: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const ready = await chromium
      .evaluate(tab, `location.protocol.endsWith('extension:') && document.readyState === 'complete'`)
      .catch(() => false);
    if (ready === true) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('popup-unattached: the watcher page never loaded');
}
