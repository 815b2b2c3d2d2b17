import type { Worker } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import { SHARE_MENU_GLOBAL, type ShareOutcome } from '../../extension/lib/host/share-menu';
import type { ClickedTab, MenuClick } from '../../extension/lib/share/menu-click';
import type { MenuItem } from '../../extension/lib/share/menu-items';
import { WORKER_SCRIPTS } from '../../extension/lib/messaging/serve';
import type { ChromeUser } from './chrome-extension';

/**
 * The background's context menu, driven through the service worker: headless Chromium cannot open a native
 * context menu, so the test evaluates, in the worker, the handler the background published under
 * SHARE_MENU_GLOBAL (the one its onClicked listener calls), and reads the menu it last built.
 */
export class ShareMenuDriver {
  constructor(private readonly user: ChromeUser) {}

  /** The background's service worker as it runs now (Chrome may have stopped and started it again). */
  async worker(): Promise<Worker> {
    const running = this.user.context
      .serviceWorkers()
      .find((worker) => new URL(worker.url()).pathname === WORKER_SCRIPTS[0]);
    return running ?? (await this.user.context.waitForEvent('serviceworker'));
  }

  async items(): Promise<MenuItem[]> {
    const worker = await this.worker();
    return worker.evaluate((name) => {
      const menu = (globalThis as unknown as Record<string, { items(): MenuItem[] } | undefined>)[name];
      if (!menu) throw new Error(`the background published no ${name}`);
      return menu.items();
    }, SHARE_MENU_GLOBAL);
  }

  /** Polls the menu until `check` holds, and returns it. */
  async waitForItems(check: (items: MenuItem[]) => boolean, timeoutMs = 20_000): Promise<MenuItem[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const items = await this.items().catch(() => []); // a worker starting again has no menu yet
      if (check(items)) return items;
      if (Date.now() > deadline)
        throw new Error(`waitForItems: the menu is ${JSON.stringify(items.map((item) => item.title))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** A click on the menu, as the browser reports it to onClicked; resolves with what the background did. */
  async click(info: MenuClick, tab?: ClickedTab): Promise<ShareOutcome> {
    const worker = await this.worker();
    return worker.evaluate(
      ([name, clicked, clickedTab]) => {
        const menu = (
          globalThis as unknown as Record<
            string,
            { click(info: MenuClick, tab?: ClickedTab): Promise<ShareOutcome> } | undefined
          >
        )[name];
        if (!menu) throw new Error(`the background published no ${name}`);
        return menu.click(clicked, clickedTab ?? undefined);
      },
      [SHARE_MENU_GLOBAL, info, tab ?? null] as const,
    );
  }
}

/**
 * The same on Firefox, where the background page (MV2) hosts the menu: an extension page reaches its global
 * through runtime.getBackgroundPage().
 */
export class FirefoxShareMenuDriver {
  constructor(private readonly page: PuppeteerPage) {}

  async items(): Promise<MenuItem[]> {
    return this.page.evaluate(async (name) => {
      const { browser } = globalThis as unknown as {
        browser: {
          runtime: { getBackgroundPage(): Promise<Record<string, { items(): MenuItem[] } | undefined>> };
        };
      };
      const menu = (await browser.runtime.getBackgroundPage())[name];
      if (!menu) throw new Error(`the background published no ${name}`);
      // Copied out of the background's realm, so that it can be handed back to the test.
      return JSON.parse(JSON.stringify(menu.items())) as MenuItem[];
    }, SHARE_MENU_GLOBAL);
  }

  async waitForItems(check: (items: MenuItem[]) => boolean, timeoutMs = 20_000): Promise<MenuItem[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const items = await this.items();
      if (check(items)) return items;
      if (Date.now() > deadline)
        throw new Error(`waitForItems: the menu is ${JSON.stringify(items.map((item) => item.title))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async click(info: MenuClick, tab?: ClickedTab): Promise<ShareOutcome> {
    return this.page.evaluate(
      async (name, clicked, clickedTab) => {
        const { browser } = globalThis as unknown as {
          browser: {
            runtime: {
              getBackgroundPage(): Promise<
                Record<
                  string,
                  { click(info: MenuClick, tab?: ClickedTab): Promise<ShareOutcome> } | undefined
                >
              >;
            };
          };
        };
        const menu = (await browser.runtime.getBackgroundPage())[name];
        if (!menu) throw new Error(`the background published no ${name}`);
        // The click's fields go into the background's realm as JSON, as the browser's own would be plain data.
        const outcome = await menu.click(
          JSON.parse(clicked) as MenuClick,
          clickedTab ? (JSON.parse(clickedTab) as ClickedTab) : undefined,
        );
        return JSON.parse(JSON.stringify(outcome)) as ShareOutcome;
      },
      SHARE_MENU_GLOBAL,
      JSON.stringify(info),
      tab ? JSON.stringify(tab) : '',
    );
  }
}
