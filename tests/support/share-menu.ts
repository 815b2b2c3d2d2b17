import type { Worker } from 'playwright-core';
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
