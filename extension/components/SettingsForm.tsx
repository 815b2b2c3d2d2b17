import { useState } from 'preact/hooks';
import type { EngineClient } from '../lib/messaging/client';
import type { EngineState } from '../lib/messaging/protocol';
import { DEFAULT_SERVER_URL } from '../lib/settings';
import { MAX_NAME_LENGTH } from '../../shared/limits';

interface Props {
  readonly client: EngineClient;
  readonly settings: EngineState['settings'];
  readonly onDone?: () => void;
}

/** First start (choose a name) and later changes (name, server URL). */
export function SettingsForm({ client, settings, onDone }: Props) {
  const [name, setName] = useState(settings?.name ?? '');
  const [serverUrl, setServerUrl] = useState(settings?.serverUrl ?? DEFAULT_SERVER_URL);
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      await client.request('saveSettings', { name, serverUrl });
      onDone?.();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="settings" onSubmit={(event) => void submit(event)} aria-labelledby="settings-title">
      <h1 id="settings-title">{settings ? 'Settings' : 'Welcome! Choose your name'}</h1>
      <label>
        Your name
        <input
          name="name"
          value={name}
          maxLength={MAX_NAME_LENGTH}
          required
          autoFocus
          autoComplete="nickname"
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </label>
      <label>
        Signal server
        <input
          name="serverUrl"
          type="url"
          value={serverUrl}
          required
          onInput={(event) => setServerUrl(event.currentTarget.value)}
        />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        {settings && onDone && (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        )}
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : settings ? 'Save' : 'Start chatting'}
        </button>
      </div>
    </form>
  );
}
