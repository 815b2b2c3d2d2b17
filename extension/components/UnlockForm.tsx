import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_PASSPHRASE_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import { FormError } from './FormError';
import { t } from '../lib/i18n';

/** The history and keys are sealed until the passphrase is given (after a browser restart, or a lock). */
export function UnlockForm({ client }: { readonly client: EngineClient }) {
  const [passphrase, setPassphrase] = useState('');
  const { busy, error, run } = useAction();
  const field = useRef<HTMLInputElement>(null);
  // autofocus works only while a page loads; this form also appears later (a lock), and the field is all there is.
  useEffect(() => field.current?.focus(), []);
  const submit = (event: Event): void => {
    event.preventDefault();
    void run(async () => {
      await client.request('unlock', { passphrase });
    });
  };
  return (
    <form class="settings" onSubmit={submit} aria-labelledby="unlock-title">
      <h1 id="unlock-title">{t('locked')}</h1>
      <p class="hint">{t('lockedHint')}</p>
      <label>
        {t('passphrase')}
        <input
          type="password"
          value={passphrase}
          required
          ref={field}
          maxLength={MAX_PASSPHRASE_LENGTH}
          autoComplete="current-password"
          onInput={(event) => setPassphrase(event.currentTarget.value)}
        />
      </label>
      <FormError error={error} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('unlocking') : t('unlock')}
        </button>
      </div>
    </form>
  );
}
