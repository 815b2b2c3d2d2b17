/**
 * What a click on the context menu does, decided from what the browser tells about it (pure: the background
 * carries it out, see host/share-menu.ts).
 */
import * as v from 'valibot';
import { t } from '../i18n';
import { MENU_IDS, targetOfMenuItem } from './menu-items';
import {
  PendingShareSchema,
  clipShareText,
  mediaOriginPattern,
  shareRequest,
  type PendingShare,
  type ShareRequest,
} from './pending-share';
import type { ConversationId } from '../../../shared/ids';

/** The part of the browsers' OnClickData this reads (Firefox adds `linkText`). */
export interface MenuClick {
  readonly menuItemId: string | number;
  readonly mediaType?: string;
  readonly srcUrl?: string;
  readonly linkUrl?: string;
  readonly linkText?: string;
  readonly selectionText?: string;
  readonly pageUrl?: string;
}

/** The part of the tab the click was in that this reads. */
export interface ClickedTab {
  readonly title?: string;
}

export type MenuAction =
  /** Send now; first ask host access for `origin` (a medium on the web), whatever the answer. */
  | {
      readonly kind: 'send';
      readonly to: ConversationId;
      readonly share: PendingShare;
      readonly request: ShareRequest;
      readonly origin?: string;
    }
  /** Open the share window: to choose a target (`share` set) or a file (none). */
  | { readonly kind: 'window'; readonly share?: PendingShare }
  /** Nothing that can be shared: say why. */
  | { readonly kind: 'refuse'; readonly reason: string }
  /** Not one of our items (the parent, a separator). */
  | { readonly kind: 'ignore' };

const MEDIA_TYPES = new Set(['image', 'audio', 'video']);

/**
 * What was clicked on, most specific first: a medium, then a link, then a selection, then the page; or why it is
 * nothing a share can carry (a `file:` page, a link to `javascript:`).
 */
export function pendingShareOf(
  click: MenuClick,
  tab: ClickedTab | undefined,
): { share: PendingShare } | { reason: string } {
  const candidate =
    click.mediaType && MEDIA_TYPES.has(click.mediaType) && click.srcUrl
      ? { kind: 'media', src: click.srcUrl, ...(webUrl(click.pageUrl) ? { url: click.pageUrl } : {}) }
      : click.linkUrl
        ? { kind: 'link', url: click.linkUrl, ...textField(click.linkText) }
        : click.selectionText
          ? { kind: 'selection', url: click.pageUrl ?? '', ...textField(click.selectionText) }
          : { kind: 'page', url: click.pageUrl ?? '', ...textField(tab?.title) };
  const parsed = v.safeParse(PendingShareSchema, candidate);
  if (parsed.success) return { share: parsed.output };
  return {
    reason: t(
      candidate.kind === 'media'
        ? 'unshareableMedia'
        : candidate.kind === 'link'
          ? 'unshareableLink'
          : 'unshareablePage',
    ),
  };
}

/** What a click on one of our items does: send now (a listed conversation), open the share window, or refuse. */
export function menuAction(click: MenuClick, tab: ClickedTab | undefined): MenuAction {
  if (click.menuItemId === MENU_IDS.sendFile) return { kind: 'window' };
  const to = targetOfMenuItem(click.menuItemId);
  if (to === undefined && click.menuItemId !== MENU_IDS.choose) return { kind: 'ignore' };
  const found = pendingShareOf(click, tab);
  if ('reason' in found) return { kind: 'refuse', reason: found.reason };
  const { share } = found;
  if (to === undefined) return { kind: 'window', share };
  const origin = share.kind === 'media' ? mediaOriginPattern(share.src) : undefined;
  return {
    kind: 'send',
    to,
    share,
    request: shareRequest(to, share),
    ...(origin ? { origin } : {}),
  };
}

function textField(text: string | undefined): { text?: string } {
  const clipped = clipShareText(text);
  return clipped ? { text: clipped } : {};
}

function webUrl(url: string | undefined): boolean {
  return url !== undefined && /^https?:/i.test(url);
}
