import { useAction } from '../hooks/useAction';
import type { EngineState } from '../lib/messaging/protocol';
import type { ComponentChildren } from 'preact';
import { Avatar } from './Avatar';
import { FormError } from './FormError';
import { Icon } from './Icon';
import { t, type MessageKey } from '../lib/i18n';

const LABELS: Record<EngineState['connection']['status'], MessageKey> = {
  unconfigured: 'connUnconfigured',
  connecting: 'connConnecting',
  online: 'connOnline',
  offline: 'connOffline',
};

interface Props {
  readonly state: EngineState;
  readonly onSettings: () => void;
  /** Settles when the engine has locked; a rejection is shown next to the button. */
  readonly onLock: () => Promise<unknown>;
  /** Between the name and Lock: the Transfers button. */
  readonly children?: ComponentChildren;
}

/** The popup's top line: who this is and whether they are online; Transfers, Lock and Settings. */
export function StatusBar({ state, onSettings, onLock, children }: Props) {
  const { status, error } = state.connection;
  const locking = useAction(t('notLocked'));
  const name = state.settings?.name ?? '';
  return (
    <header class="status-bar">
      <Avatar name={name} size={28} />
      <div class="status-who">
        <strong class="self-name" data-testid="self-name">
          {name}
        </strong>
        <span class={`status status-${status}`} role="status" data-testid="connection-status">
          {t(LABELS[status])}
          {status === 'online' && state.settings?.appearOffline && ` ${t('appearOffline')}`}
        </span>
      </div>
      <div class="status-actions">
        {children}
        <button
          type="button"
          class="icon-button"
          disabled={locking.busy}
          onClick={() => void locking.run(() => onLock().then(() => undefined))}
          aria-label={t('lock')}
          title={t('lockTitle')}
        >
          <Icon name="lock" />
        </button>
        <button
          type="button"
          class="icon-button"
          onClick={onSettings}
          aria-label={t('settings')}
          title={t('settings')}
        >
          <Icon name="settings" />
        </button>
      </div>
      {error && (
        <p class="error status-error" data-testid="connection-error">
          {error}
        </p>
      )}
      <FormError error={locking.error} />
    </header>
  );
}
