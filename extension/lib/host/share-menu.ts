/**
 * The context menu "Send to…" and "Send a file…", in the background (Chrome's worker, Firefox's background page).
 * It is rebuilt whenever the engine's share targets change (share-targets.ts), and a click is carried out here:
 * sent at once to a listed conversation, or handed to the share window to choose one.
 */
import { browser } from 'wxt/browser';
import type { ShareTarget } from '../messaging/protocol';
import { menuAction, type ClickedTab, type MenuClick } from '../share/menu-click';
import { buildShareMenu, type MenuItem } from '../share/menu-items';
import { openShareWindow } from '../share/open-share-window';
import { describeSent, type ShareRequest } from '../share/pending-share';
import type { EngineResponses } from '../messaging/protocol';
import { errorMessage } from '../errors';
import { t } from '../i18n';

/**
 * The name under which the background publishes its ShareMenu on its global object. End-to-end tests cannot
 * click a native context menu in headless Chromium: they evaluate `globalThis[SHARE_MENU_GLOBAL].click(info, tab)`
 * in the service worker instead, which runs the same handler the browser's onClicked does, and read `items()`.
 */
export const SHARE_MENU_GLOBAL = '__messengerShareMenu';

/** How the menu reaches the engine: share-links.ts has one for each browser. */
export interface ShareEngineLink {
  send(request: ShareRequest): Promise<EngineResponses['sharePage']>;
  /** Calls `listener` with the targets as soon as they are known, and again whenever they change. */
  watchTargets(listener: (targets: readonly ShareTarget[]) => void): void;
}

export type ShareOutcome =
  | { readonly kind: 'sent'; readonly messageId: string }
  | { readonly kind: 'window' }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'ignored' };

export interface ShareMenu {
  /** The menu as last built (the browsers offer no way to read a menu back). */
  items(): readonly MenuItem[];
  /** Carries out a click, as the browser's onClicked does; resolves once it is done, with what happened. */
  click(info: MenuClick, tab?: ClickedTab): Promise<ShareOutcome>;
}

/** What share-menu needs of Chrome's `contextMenus` or Firefox's `menus` (the same API under two names). */
interface MenusApi {
  create(properties: MenuItem & { contexts: string[] }, callback?: () => void): unknown;
  removeAll(): Promise<void>;
  onClicked: { addListener(listener: (info: MenuClick, tab?: ClickedTab) => void): void };
}

function menusApi(): MenusApi {
  // Firefox names the API `menus` (its permission here); Chrome only has `contextMenus`. wxt/browser types Chrome's.
  const { menus } = browser as unknown as { menus?: MenusApi };
  return menus ?? (browser.contextMenus as unknown as MenusApi);
}

export function startShareMenu(link: ShareEngineLink): ShareMenu {
  const menus = menusApi();
  // MV3 (Chrome) names the toolbar button `action`; Firefox's MV2 build has `browserAction`.
  const actionContext = (browser.action as typeof browser.action | undefined) ? 'action' : 'browser_action';
  let built: readonly MenuItem[] = [];
  let building = Promise.resolve();

  // One build at a time, each from scratch: the browsers keep menus across worker restarts, so updates cannot
  // assume what is there.
  const rebuild = (targets: readonly ShareTarget[]): void => {
    const items = buildShareMenu(targets, actionContext);
    building = building
      .then(async () => {
        await menus.removeAll();
        await Promise.all(items.map((item) => createItem(menus, item)));
        built = items;
      })
      .catch((error: unknown) => console.warn('startShareMenu: the context menu was not rebuilt', error));
  };

  const click = (info: MenuClick, tab?: ClickedTab): Promise<ShareOutcome> => {
    const action = menuAction(info, tab);
    switch (action.kind) {
      case 'ignore':
        return Promise.resolve({ kind: 'ignored' });
      case 'window':
        return openShareWindow(action.share ? { share: action.share } : {}).then(() => ({ kind: 'window' }));
      case 'refuse':
        return openShareWindow({ error: action.reason }).then(() => ({
          kind: 'failed',
          error: action.reason,
        }));
      case 'send': {
        // Asked first and synchronously, while the browser still counts the click as a user gesture. Whatever the
        // answer, the engine tries: the medium's server may allow the fetch anyway (CORS).
        const asked = action.origin ? askHostAccess(action.origin) : Promise.resolve(false);
        return asked
          .then(() => link.send(action.request))
          .then(
            async (message): Promise<ShareOutcome> => {
              await showSent(describeSent(action.share));
              return { kind: 'sent', messageId: message.id };
            },
            async (error: unknown): Promise<ShareOutcome> => {
              // No notifications permission: the share window opens on the same share, saying what went wrong,
              // so the user can try again or choose another conversation.
              const reason = t('withReason', [t('notSent'), errorMessage(error)]);
              await openShareWindow({ to: action.to, share: action.share, error: reason });
              return { kind: 'failed', error: reason };
            },
          );
      }
    }
  };

  menus.onClicked.addListener((info, tab) => {
    click(info, tab).catch((error: unknown) => console.warn('startShareMenu: a click failed', error));
  });
  rebuild([]);
  link.watchTargets(rebuild);

  const menu: ShareMenu = { items: () => built, click };
  (globalThis as Record<string, unknown>)[SHARE_MENU_GLOBAL] = menu;
  return menu;
}

function createItem(menus: MenusApi, item: MenuItem): Promise<void> {
  return new Promise((resolve, reject) => {
    menus.create({ ...item, contexts: [...item.contexts] }, () => {
      // Both browsers report a failed create (a duplicate id, a bad context) only here.
      const failure = browser.runtime.lastError;
      if (failure) reject(new Error(`createItem: ${item.id}: ${failure.message ?? 'failed'}`));
      else resolve();
    });
  });
}

function askHostAccess(origin: string): Promise<boolean> {
  try {
    return browser.permissions.request({ origins: [origin] }).catch(() => false);
  } catch {
    return Promise.resolve(false); // no user gesture (e.g. a test driving the handler): the engine tries anyway
  }
}

/** Success says so in the toolbar button's tooltip: quiet, and it never hides the unread count on the badge. */
async function showSent(title: string): Promise<void> {
  const action = (browser.action as typeof browser.action | undefined) ?? browser.browserAction;
  try {
    await action.setTitle({ title: t('toolbarNote', [title]) });
  } catch {
    // Only a tooltip: the message is in the conversation either way.
  }
}
