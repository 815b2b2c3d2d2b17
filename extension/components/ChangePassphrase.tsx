import { useState } from 'preact/hooks';
import { MAX_PASSPHRASE_LENGTH, MIN_PASSPHRASE_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import { t } from '../lib/i18n';
import type { EngineClient } from '../lib/messaging/client';
import { FormError } from './FormError';
import { PassphraseFields } from './PassphraseFields';

/** The current passphrase and a new one typed twice: the engine wraps the vault's key under the new one. */
export function ChangePassphrase({ client }: { readonly client: EngineClient }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState<string>();
  // A new key empties the new passphrase's two fields once it is taken.
  const [round, setRound] = useState(0);
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction(t('optionsPassphraseNotChanged'));

  const submit = (event: Event): void => {
    event.preventDefault();
    setDone(false);
    void run(async () => {
      if (next === undefined) throw new Error(t('optionsPassphrasesDiffer'));
      await client.request('changePassphrase', { current, next });
      setCurrent('');
      setNext(undefined);
      setRound(round + 1);
      setDone(true);
    });
  };

  return (
    <section id="passphrase" aria-labelledby="passphrase-title">
      <h2 id="passphrase-title">{t('optionsChangeTitle')}</h2>
      <form class="settings" onSubmit={submit}>
        <p class="hint">{t('optionsChangeHint')}</p>
        <label>
          {t('optionsCurrentPassphrase')}
          <input
            type="password"
            value={current}
            required
            maxLength={MAX_PASSPHRASE_LENGTH}
            autoComplete="current-password"
            onInput={(event) => setCurrent(event.currentTarget.value)}
          />
        </label>
        <PassphraseFields
          key={round}
          legend={t('optionsNewPassphrase')}
          repeatLabel={t('repeatNewPassphrase')}
          hint={t('optionsNewPassphraseHint', [String(MIN_PASSPHRASE_LENGTH)])}
          onChange={setNext}
        />
        <FormError error={error} />
        {done && <p role="status">{t('optionsPassphraseChanged')}</p>}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('optionsChanging') : t('optionsChangeTitle')}
          </button>
        </div>
      </form>
    </section>
  );
}
