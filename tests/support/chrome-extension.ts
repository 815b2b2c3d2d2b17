import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type CDPSession } from 'playwright-core';
import puppeteer, {
  type Browser as PuppeteerBrowser,
  type CDPSession as PuppeteerCdpSession,
} from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browsers';
import { allContacts } from './e2e-contacts';
import { PopupPage } from './popup-page';

export const CHROME_BUILD = resolve('.output/chrome-mv3');

/** Chromium's fake camera (a moving test pattern) and microphone (a beep), granted without a prompt. */
export const FAKE_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
/** The same devices, but every permission prompt is refused (getUserMedia fails with NotAllowedError). */
export const REFUSED_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--deny-permission-prompts'];

export interface LaunchOptions {
  /** true: fake camera and microphone, allowed; 'refused': the user refuses them. */
  readonly fakeMedia?: boolean | 'refused';
  /** The unpacked extension to load: the build by default (the bench loads a copy with a page of its own added). */
  readonly extension?: string;
}

/** One user: a fresh Chromium profile with the built extension loaded. */
/**
 * The id of the extension a new profile just loaded, once its worker runs. The extension greets a new user in a tab:
 * closed here, so that it cannot come to the front later and hide the page a test drives (a hidden page gets no
 * animation frames, which stalls clicks).
 */
export async function extensionStarted(context: BrowserContext): Promise<string> {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  const welcomeUrl = `chrome-extension://${extensionId}/popup.html`;
  const welcome =
    context.pages().find((page) => page.url() === welcomeUrl) ??
    (await context.waitForEvent('page', {
      predicate: (page) => page.url() === welcomeUrl,
      timeout: 10_000,
    }));
  await welcome.close();
  return extensionId;
}

export class ChromeUser {
  private constructor(
    readonly context: BrowserContext,
    readonly extensionId: string,
    private readonly profileDir: string,
  ) {}

  /** `fakeMedia`: a fake camera and microphone for calls, allowed without asking (or refused). */
  static async launch({
    fakeMedia = false,
    extension = CHROME_BUILD,
  }: LaunchOptions = {}): Promise<ChromeUser> {
    const profileDir = mkdtempSync(join(tmpdir(), 'messenger-e2e-'));
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        ...CHROMIUM_ARGS,
        // A DevTools port on loopback as well, for what Playwright cannot reach: the offscreen document.
        '--remote-debugging-port=0',
        `--disable-extensions-except=${extension}`,
        `--load-extension=${extension}`,
        ...(fakeMedia === 'refused' ? REFUSED_MEDIA_ARGS : fakeMedia ? FAKE_MEDIA_ARGS : []),
      ],
    });
    return new ChromeUser(context, await extensionStarted(context), profileDir);
  }

  async openPopup(): Promise<PopupPage> {
    const page = await this.context.newPage();
    await page.goto(`chrome-extension://${this.extensionId}/popup.html`);
    return new PopupPage(page);
  }

  /** The extension's targets as the DevTools protocol lists them, e.g. `service_worker`, `background_page`. */
  async extensionTargets(): Promise<{ type: string; url: string; targetId: string }[]> {
    const { targetInfos } = await (await this.browserCdp()).send('Target.getTargets');
    return targetInfos.filter((target) => target.url.startsWith(`chrome-extension://${this.extensionId}/`));
  }

  /** Stops the MV3 service worker through the DevTools protocol, as Chrome does to an idle worker. */
  async stopServiceWorker(): Promise<void> {
    const worker = (await this.extensionTargets()).find((target) => target.type === 'service_worker');
    if (!worker) throw new Error('stopServiceWorker: no service worker is running');
    await (await this.browserCdp()).send('Target.closeTarget', { targetId: worker.targetId });
    // Chrome stops the worker asynchronously: wait, bounded, until it is gone from the targets.
    for (let attempt = 0; attempt < 50; attempt++) {
      if (!(await this.extensionTargets()).some((target) => target.targetId === worker.targetId)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('stopServiceWorker: the service worker was still running 5 s after it was closed');
  }

  /**
   * Cuts (or restores) the engine's network, as DevTools' offline mode does: the offscreen document's
   * WebSockets drop and new ones fail. Playwright lists no offscreen document, so this goes through Puppeteer
   * on the DevTools port.
   */
  async setEngineOffline(offline: boolean): Promise<void> {
    // One session throughout: an emulation belongs to the session that set it.
    this.engineNetwork ??= await this.openEngineSession();
    await this.engineNetwork.send('Network.emulateNetworkConditions', {
      offline,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
  }

  private async openEngineSession(): Promise<PuppeteerCdpSession> {
    const session = await this.engineCdp();
    await session.send('Network.enable');
    return session;
  }

  /** A new DevTools session on the engine's offscreen document (through Puppeteer: Playwright lists none). */
  async engineCdp(): Promise<PuppeteerCdpSession> {
    const port = (await readFile(join(this.profileDir, 'DevToolsActivePort'), 'utf8')).split('\n')[0];
    this.devtools ??= await puppeteer.connect({
      browserURL: `http://127.0.0.1:${port}`,
      defaultViewport: null,
    });
    const engine = this.devtools.targets().find((target) => target.url().endsWith('/offscreen.html'));
    if (!engine) throw new Error('engineCdp: the offscreen document is not running');
    return engine.createCDPSession();
  }

  async close(): Promise<void> {
    await this.closeBrowser();
    rmSync(this.profileDir, { recursive: true, force: true });
  }

  /** Closes the browser and keeps its profile on disk, for another browser to open; gives its folder. */
  async closeBrowser(): Promise<string> {
    await this.devtools?.disconnect();
    this.devtools = undefined;
    await this.context.close();
    return this.profileDir;
  }

  private devtools: PuppeteerBrowser | undefined;
  private engineNetwork: PuppeteerCdpSession | undefined;
  private cdp: CDPSession | undefined;
  private async browserCdp(): Promise<CDPSession> {
    const browser = this.context.browser();
    if (!browser) throw new Error('browserCdp: this context has no browser to open a DevTools session on');
    this.cdp ??= await browser.newBrowserCDPSession();
    return this.cdp;
  }
}

/**
 * One Chromium user per name, each with the popup open, the name chosen (on `serverUrls[i]`, or the one server)
 * and online; all contacts of each other unless `contacts` is false.
 */
export async function onlineUsers(
  names: readonly string[],
  serverUrls: string | readonly string[],
  { contacts = true, ...launch }: { contacts?: boolean } & LaunchOptions = {},
): Promise<{ users: ChromeUser[]; popups: PopupPage[] }> {
  const users = await Promise.all(names.map(() => ChromeUser.launch(launch)));
  const popups = await Promise.all(users.map((user) => user.openPopup()));
  for (const [index, popup] of popups.entries()) {
    const url = typeof serverUrls === 'string' ? serverUrls : serverUrls[index];
    if (url === undefined) throw new Error(`onlineUsers: no server URL for ${names[index] ?? index}`);
    await popup.chooseName(names[index] ?? '', url);
  }
  await Promise.all(popups.map((popup) => popup.waitOnline()));
  if (contacts)
    await allContacts(popups.map((popup, index) => ({ page: popup.page, name: names[index] ?? '' })));
  return { users, popups };
}
