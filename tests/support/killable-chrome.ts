import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browsers';
import { CHROME_BUILD, extensionStarted } from './chrome-extension';
import { PopupPage } from './popup-page';

/**
 * A Chromium user whose profile outlives its browser: it can be killed (SIGKILL, as a crash or a power cut would
 * end it) and launched again on the same profile. Downloads go to a folder of its own under the names the browser
 * gives them (see saveDownloadsIn).
 */
export class KillableChromeUser {
  private constructor(
    readonly profileDir: string,
    readonly downloadsDir: string,
    private current: BrowserContext,
    readonly extensionId: string,
  ) {}

  get context(): BrowserContext {
    return this.current;
  }

  static async launch(): Promise<KillableChromeUser> {
    const profileDir = mkdtempSync(join(tmpdir(), 'messenger-e2e-'));
    const downloadsDir = mkdtempSync(join(tmpdir(), 'messenger-downloads-'));
    mkdirSync(join(profileDir, 'Default'));
    writeFileSync(
      join(profileDir, 'Default', 'Preferences'),
      JSON.stringify({ download: { default_directory: downloadsDir, prompt_for_download: false } }),
    );
    const context = await launchOn(profileDir);
    const extensionId = await extensionStarted(context);
    return new KillableChromeUser(profileDir, downloadsDir, context, extensionId);
  }

  async openPopup(): Promise<PopupPage> {
    const page = await this.current.newPage();
    await page.goto(`chrome-extension://${this.extensionId}/popup.html`);
    return new PopupPage(page);
  }

  /** Kills the browser process at once (SIGKILL: nothing is flushed or closed in order) and waits until it is gone. */
  async kill(): Promise<void> {
    const pid = await browserProcessOf(this.profileDir);
    const closed = new Promise<void>((resolve) => this.current.once('close', () => resolve()));
    process.kill(pid, 'SIGKILL');
    await closed;
    // Its child processes notice the browser gone and end; the profile is free once none holds it.
    for (let attempt = 0; attempt < 100; attempt++) {
      if ((await processesOf(this.profileDir)).length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`kill: processes of ${this.profileDir} still run 10 s after the browser was killed`);
  }

  /** Launches the browser again on the same profile (the extension is installed already: no welcome tab). */
  async relaunch(): Promise<void> {
    this.current = await launchOn(this.profileDir);
  }

  async close(): Promise<void> {
    await this.current.close();
    rmSync(this.profileDir, { recursive: true, force: true });
    rmSync(this.downloadsDir, { recursive: true, force: true });
  }
}

async function launchOn(profileDir: string): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      `--disable-extensions-except=${CHROME_BUILD}`,
      `--load-extension=${CHROME_BUILD}`,
    ],
  });
  // Playwright makes the browser save every download in its artifacts folder under a random name (the extension's
  // downloads API then reports that name); Chrome's own behaviour is what the product meets.
  const browser = context.browser();
  if (!browser) throw new Error('launchOn: the context has no browser to open a DevTools session on');
  const session = await browser.newBrowserCDPSession();
  await session.send('Browser.setDownloadBehavior', { behavior: 'default' });
  await session.detach();
  return context;
}

/** The processes (ids) whose command line names `profileDir` as their user data directory. */
async function processesOf(profileDir: string): Promise<{ pid: number; args: string[] }[]> {
  const found: { pid: number; args: string[] }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const commandLine = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const args = commandLine.split('\0');
    if (args.includes(`--user-data-dir=${profileDir}`)) found.push({ pid: Number(entry), args });
  }
  return found;
}

/** The browser process of `profileDir`: the one of its processes that is no helper (no --type=). */
async function browserProcessOf(profileDir: string): Promise<number> {
  const browsers = (await processesOf(profileDir)).filter(
    ({ args }) => !args.some((arg) => arg.startsWith('--type=')),
  );
  const [only] = browsers;
  if (!only || browsers.length !== 1)
    throw new Error(`browserProcessOf: ${browsers.length} browser processes use ${profileDir}`);
  return only.pid;
}
