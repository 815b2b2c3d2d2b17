import type { EngineState } from '../lib/messaging/protocol';

const LABELS = {
  unconfigured: 'Not set up',
  connecting: 'Connecting…',
  online: 'Online',
  offline: 'Offline',
} as const;

interface Props {
  readonly state: EngineState;
  readonly onSettings: () => void;
  readonly onLock: () => void;
}

export function StatusBar({ state, onSettings, onLock }: Props) {
  const { status, error } = state.connection;
  return (
    <header class="status-bar">
      <div>
        <strong class="self-name" data-testid="self-name">
          {state.settings?.name}
        </strong>
        <span class={`status status-${status}`} role="status" data-testid="connection-status">
          {LABELS[status]}
        </span>
        {error && (
          <p class="error" data-testid="connection-error">
            {error}
          </p>
        )}
      </div>
      <div class="status-actions">
        <button type="button" onClick={onLock} aria-label="Lock" title="Lock: close the keys and history">
          🔒
        </button>
        <button type="button" onClick={onSettings} aria-label="Settings">
          ⚙
        </button>
      </div>
    </header>
  );
}
