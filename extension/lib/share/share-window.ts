/**
 * The share window's address: `share.html?to=<conversation>` preselects a target (the conversation's attach
 * button), `&kind=link|selection|page&url=…&text=…` or `&kind=media&src=…&url=…` names what the context menu's
 * "Choose…" shares (no file picker then), and `&error=…` says why a share from the menu failed.
 */
import * as v from 'valibot';
import { MAX_TEXT_LENGTH } from '../../../shared/limits';
import { t } from '../i18n';
import { PendingShareSchema, type PendingShare } from './pending-share';
import { ConversationIdSchema, type ConversationId } from '../../../shared/ids';

export const SHARE_WINDOW_PATH = '/share.html';
/** Small: a chooser, a picker and a button. */
export const SHARE_WINDOW_SIZE = { width: 420, height: 560 } as const;

export interface ShareWindowParams {
  readonly to?: ConversationId;
  readonly share?: PendingShare;
  readonly error?: string;
}

/** The query string (with its `?`, or '' for none) that opens the share window on `params`. */
export function shareWindowQuery({ to, share, error }: ShareWindowParams): string {
  const query = new URLSearchParams();
  if (to) query.set('to', to);
  if (share) {
    query.set('kind', share.kind);
    if (share.kind === 'media') {
      query.set('src', share.src);
      if (share.url) query.set('url', share.url);
    } else {
      query.set('url', share.url);
      if (share.text) query.set('text', share.text);
    }
  }
  if (error) query.set('error', error.slice(0, MAX_TEXT_LENGTH));
  const text = query.toString();
  return text ? `?${text}` : '';
}

/**
 * Reads the share window's query. Anything that does not parse is left out and named in `problem`, so the window
 * says so rather than sharing something else than was asked.
 */
export function parseShareWindowQuery(search: string): ShareWindowParams & { readonly problem?: string } {
  const query = new URLSearchParams(search);
  const problems: string[] = [];
  const toText = query.get('to');
  const to = toText === null ? undefined : v.safeParse(ConversationIdSchema, toText);
  if (to && !to.success) problems.push(t('shareProblemTarget'));

  let share: PendingShare | undefined;
  const kind = query.get('kind');
  if (kind !== null) {
    const fields =
      kind === 'media'
        ? { kind, src: query.get('src') ?? '', ...optional('url', query.get('url')) }
        : { kind, url: query.get('url') ?? '', ...optional('text', query.get('text')) };
    const parsed = v.safeParse(PendingShareSchema, fields);
    if (parsed.success) share = parsed.output;
    // The schema's own words (valibot's issues) stay English: they name fields of the address.
    else problems.push(t('shareProblemWhat', [parsed.issues.map(describeIssue).join('; ')]));
  }
  const error = query.get('error')?.slice(0, MAX_TEXT_LENGTH) || undefined;
  return {
    ...(to?.success ? { to: to.output } : {}),
    ...(share ? { share } : {}),
    ...(error ? { error } : {}),
    ...(problems.length > 0 ? { problem: t('shareOpenedWrongly', [problems.join(', ')]) } : {}),
  };
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value === null ? {} : ({ [key]: value } as Record<K, string>);
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = issue.path?.map((item) => String(item.key)).join('.');
  return path ? `${path} ${issue.message}` : issue.message;
}
