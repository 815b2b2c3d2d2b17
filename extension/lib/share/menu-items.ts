/**
 * The context menu, as data: "Send to…" on what can be shared, with one entry per recent conversation and
 * "Choose…", and "Send a file…" on pages and on the toolbar button's own menu. The background hands these to
 * the browser's menus API (host/share-menu.ts); a click comes back with the item's id, which names its target,
 * so a click maps to a request without any state (Chrome's worker may have been restarted since the menu was built).
 */
import * as v from 'valibot';
import { t } from '../i18n';
import type { ShareTarget } from '../messaging/protocol';
import { ConversationIdSchema, type ConversationId } from '../../../shared/ids';

/** What "Send to…" appears on (the browsers' context names). */
export const SHARE_CONTEXTS = ['image', 'link', 'selection', 'page', 'audio', 'video'] as const;
/** The toolbar button's own menu: `action` on Chrome (MV3), `browser_action` on Firefox (MV2). */
export type ActionContext = 'action' | 'browser_action';
export type MenuContext = (typeof SHARE_CONTEXTS)[number] | ActionContext;

/** The most conversations listed under "Send to…": the rest are one "Choose…" away. */
export const MAX_MENU_TARGETS = 8;

export const MENU_IDS = {
  sendTo: 'send-to',
  separator: 'send-to:separator',
  choose: 'send-to:choose',
  sendFile: 'send-file',
} as const;
const TARGET_PREFIX = 'send-to:target:';

export interface MenuItem {
  readonly id: string;
  readonly parentId?: string;
  readonly type?: 'separator';
  readonly title: string;
  readonly contexts: readonly [MenuContext, ...MenuContext[]];
}

/** The whole menu for `targets` (most recently active first, as the engine lists them). */
export function buildShareMenu(targets: readonly ShareTarget[], actionContext: ActionContext): MenuItem[] {
  // A child shows only in the contexts it names itself (Chrome's default is `page` alone), so each repeats them.
  const contexts = SHARE_CONTEXTS;
  const listed = targets.slice(0, MAX_MENU_TARGETS);
  return [
    { id: MENU_IDS.sendTo, title: t('menuSendTo'), contexts },
    ...listed.map((target) => ({
      id: targetMenuId(target.id),
      parentId: MENU_IDS.sendTo,
      title: targetTitle(target),
      contexts,
    })),
    ...(listed.length > 0
      ? [
          {
            id: MENU_IDS.separator,
            parentId: MENU_IDS.sendTo,
            type: 'separator' as const,
            title: '',
            contexts,
          },
        ]
      : []),
    { id: MENU_IDS.choose, parentId: MENU_IDS.sendTo, title: t('menuChoose'), contexts },
    { id: MENU_IDS.sendFile, title: t('menuSendFile'), contexts: ['page', actionContext] },
  ];
}

export function targetMenuId(id: ConversationId): string {
  return `${TARGET_PREFIX}${id}`;
}

/** The conversation a menu item sends to, if it is one of the target entries (checked: ids come back from the browser). */
export function targetOfMenuItem(menuItemId: string | number): ConversationId | undefined {
  if (typeof menuItemId !== 'string' || !menuItemId.startsWith(TARGET_PREFIX)) return undefined;
  const parsed = v.safeParse(ConversationIdSchema, menuItemId.slice(TARGET_PREFIX.length));
  return parsed.success ? parsed.output : undefined;
}

/**
 * A target's name as a menu title. Both browsers read `&` as an access key (`&&` is a literal one), and replace
 * `%s` with the selected text: a name must show as written, so neither may act.
 */
export function targetTitle(target: ShareTarget): string {
  const name = target.name.replaceAll('&', '&&').replaceAll('%s', '%\u200Bs');
  return target.kind === 'room' ? `${name} (room)` : name;
}
