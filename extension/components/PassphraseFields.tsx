import { useState } from 'preact/hooks';
import { MAX_PASSPHRASE_LENGTH, MIN_PASSPHRASE_LENGTH } from '../../shared/limits';
import { t } from '../lib/i18n';

interface Props {
  readonly legend: string;
  /** The second field's label ("Repeat new passphrase"): worded whole, a language may not build it from the legend. */
  readonly repeatLabel: string;
  readonly hint: string;
  /** The passphrase once both fields agree, undefined while they differ. */
  readonly onChange: (passphrase: string | undefined) => void;
}

/** A new passphrase, typed twice. */
export function PassphraseFields({ legend, repeatLabel, hint, onChange }: Props) {
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const update = (nextFirst: string, nextSecond: string): void => {
    setFirst(nextFirst);
    setSecond(nextSecond);
    onChange(nextFirst === nextSecond ? nextFirst : undefined);
  };
  const mismatch = second.length > 0 && first !== second;
  return (
    <fieldset class="passphrase">
      <legend>{legend}</legend>
      <p class="hint">{hint}</p>
      <label>
        {legend}
        <input
          type="password"
          value={first}
          required
          minLength={MIN_PASSPHRASE_LENGTH}
          maxLength={MAX_PASSPHRASE_LENGTH}
          autoComplete="new-password"
          onInput={(event) => update(event.currentTarget.value, second)}
        />
      </label>
      <label>
        {repeatLabel}
        <input
          type="password"
          value={second}
          required
          aria-invalid={mismatch}
          autoComplete="new-password"
          onInput={(event) => update(first, event.currentTarget.value)}
        />
      </label>
      {mismatch && <p class="error">{t('optionsPassphrasesDiffer')}</p>}
    </fieldset>
  );
}
