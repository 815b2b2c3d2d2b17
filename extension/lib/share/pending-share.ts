/**
 * What a share carries before a target is chosen: a link, a selection or a page (sent as a message), or a medium
 * (an image, audio or video the engine fetches and offers as a file). The context menu makes one from a click; the
 * share window gets one in its URL (see share-window.ts) and turns it into the engine request once a target is
 * chosen.
 */
import * as v from 'valibot';
import { MAX_TEXT_LENGTH, MAX_URL_LENGTH } from '../../../shared/limits';
import { t } from '../i18n';
import type { EngineRequest } from '../messaging/protocol';
import type { ConversationId } from '../../../shared/ids';

/** Longest text a sharePage request takes (protocol.ts): the message also names the page. */
export const MAX_SHARE_TEXT = MAX_TEXT_LENGTH - MAX_URL_LENGTH - 64;

/** Only web addresses are shared: a `javascript:`, `file:` or `chrome:` address means nothing to the receiver. */
const WebUrlSchema = v.pipe(
  v.string(),
  v.maxLength(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`),
  v.url('must be an address'),
  v.regex(/^https?:/i, 'must be a web address (http or https)'),
);
/** A medium may also be inline (data:); the engine fetches it either way. */
const MediaUrlSchema = v.pipe(
  v.string(),
  v.maxLength(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`),
  v.url('must be an address'),
  v.regex(/^(https?|data):/i, 'must be a web address (http or https) or inline data'),
);
const ShareTextSchema = v.optional(v.pipe(v.string(), v.maxLength(MAX_SHARE_TEXT)));

export const PendingShareSchema = v.variant('kind', [
  v.strictObject({
    kind: v.picklist(['link', 'selection', 'page']),
    url: WebUrlSchema,
    text: ShareTextSchema,
  }),
  v.strictObject({ kind: v.literal('media'), src: MediaUrlSchema, url: v.optional(WebUrlSchema) }),
]);
export type PendingShare = v.InferOutput<typeof PendingShareSchema>;

export type ShareRequest =
  | { readonly method: 'sharePage'; readonly params: EngineRequest<'sharePage'> }
  | { readonly method: 'shareMedia'; readonly params: EngineRequest<'shareMedia'> };

/** The engine request that sends `share` to conversation `peerId`. */
export function shareRequest(peerId: ConversationId, share: PendingShare): ShareRequest {
  if (share.kind === 'media')
    return {
      method: 'shareMedia',
      params: { peerId, srcUrl: share.src, ...(share.url === undefined ? {} : { pageUrl: share.url }) },
    };
  return {
    method: 'sharePage',
    params: { peerId, kind: share.kind, url: share.url, ...(share.text ? { text: share.text } : {}) },
  };
}

/** Cuts `text` to what a share may carry, on a whole character (never half a surrogate pair). */
export function clipShareText(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  if (trimmed.length <= MAX_SHARE_TEXT) return trimmed;
  const clipped = Array.from(trimmed.slice(0, MAX_SHARE_TEXT - 1));
  // Slicing by code units may leave a lone high surrogate at the end: Array.from keeps it as its own item.
  const last = clipped.at(-1) ?? '';
  if (/[\uD800-\uDBFF]/.test(last)) clipped.pop();
  return `${clipped.join('')}…`;
}

/** The origin to ask host access for before the engine fetches a medium (`https://host/*`), if it is on the web. */
export function mediaOriginPattern(src: string): string | undefined {
  try {
    const url = new URL(src);
    return url.protocol === 'http:' || url.protocol === 'https:' ? `${url.origin}/*` : undefined;
  } catch {
    return undefined;
  }
}

/** One line saying what was sent, for the outcome of a click (whole phrases: languages order them differently). */
export function describeSent(share: PendingShare): string {
  switch (share.kind) {
    case 'link':
      return t('sentLink');
    case 'selection':
      return t('sentSelection');
    case 'page':
      return t('sentPage');
    case 'media':
      return t(share.src.startsWith('data:') ? 'sentInlineMedia' : 'sentMedia');
  }
}
