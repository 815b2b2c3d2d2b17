import type { ComponentChildren } from 'preact';
import { Icon } from './Icon';
import { t } from '../lib/i18n';

interface Props {
  readonly title: ComponentChildren;
  readonly titleId: string;
  /** The back button; none when there is nowhere to go back to. */
  readonly onBack: (() => void) | undefined;
  /** Before the title: an avatar. */
  readonly before?: ComponentChildren;
  /** Under the title, small: where things stand. */
  readonly subtitle?: ComponentChildren;
  /** At the right: buttons. */
  readonly actions?: ComponentChildren;
}

/** The top line of a screen entered from the list: back, the title, and the screen's own buttons. */
export function ScreenHeader({ title, titleId, onBack, before, subtitle, actions }: Props) {
  return (
    <header class="screen-header">
      {onBack && (
        <button
          type="button"
          class="icon-button"
          data-testid="back"
          aria-label={t('backToConversations')}
          title={t('backEscape')}
          onClick={onBack}
        >
          <Icon name="back" />
        </button>
      )}
      {before}
      <div class="screen-title">
        <h2 id={titleId} tabIndex={-1}>
          {title}
        </h2>
        {subtitle}
      </div>
      {actions && <div class="header-actions">{actions}</div>}
    </header>
  );
}
