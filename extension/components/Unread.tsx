import { t } from '../lib/i18n';
/** A conversation's count of unread messages (none: nothing); a muted one's in a quieter colour. */
export function Unread({ count, muted }: { readonly count: number; readonly muted: boolean }) {
  if (count <= 0) return null;
  return (
    <span class={muted ? 'unread unread-muted' : 'unread'} data-testid="unread">
      {count}
      <span class="visually-hidden"> {t('unread')}</span>
    </span>
  );
}
