import { useAction } from '../hooks/useAction';
import type { EngineState } from '../lib/messaging/protocol';
import { FormError } from './FormError';

const LABELS = {
  unconfigured: 'Not set up',
  connecting: 'Connecting…',
  online: 'Online',
  offline: 'Offline',
} as const;

interface Props {
  readonly state: EngineState;
  readonly onSettings: () => void;
  /** Settles when the engine has locked; a rejection is shown next to the button. */
  readonly onLock: () => Promise<unknown>;
}

export function StatusBar({ state, onSettings, onLock }: Props) {
  const { status, error } = state.connection;
  const locking = useAction('Not locked');
  return (
    <header class="status-bar">
      <div>
        <strong class="self-name" data-testid="self-name">
          {state.settings?.name}
        </strong>
        <span class={`status status-${status}`} role="status" data-testid="connection-status">
          {LABELS[status]}
          {status === 'online' && state.settings?.appearOffline && ' (you appear offline)'}
        </span>
        {error && (
          <p class="error" data-testid="connection-error">
            {error}
          </p>
        )}
        <FormError error={locking.error} />
      </div>
      <div class="status-actions">
        <button
          type="button"
          disabled={locking.busy}
          onClick={() => void locking.run(() => onLock().then(() => undefined))}
          aria-label="Lock"
          title="Lock: close the keys and history"
        >
          🔒
        </button>
        <button type="button" onClick={onSettings} aria-label="Settings">
          ⚙
        </button>
      </div>
    </header>
  );
}
