import { useEffect, useState } from 'preact/hooks';
import { loadTheme, saveTheme, type ThemeChoice } from '../lib/ui/theme';
import { errorMessage } from '../lib/errors';
import { FormError } from './FormError';
import { t, type MessageKey } from '../lib/i18n';

const LABELS: Record<ThemeChoice, MessageKey> = {
  system: 'themeSystem',
  light: 'themeLight',
  dark: 'themeDark',
};

/** Light, dark, or the system's: applied at once, kept outside the vault (the lock screen follows it too). */
export function ThemePicker() {
  const [choice, setChoice] = useState<ThemeChoice>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    loadTheme().then(
      (loaded) => live && setChoice(loaded),
      (caught: unknown) => live && setError(t('themeNotRead', [errorMessage(caught)])),
    );
    return () => {
      live = false;
    };
  }, []);
  const pick = (next: ThemeChoice): void => {
    setChoice(next);
    saveTheme(next).then(
      () => setError(undefined),
      (caught: unknown) => setError(t('themeNotSaved', [errorMessage(caught)])),
    );
  };
  return (
    <fieldset class="theme-picker">
      <legend>{t('theme')}</legend>
      <div class="segmented">
        {(Object.keys(LABELS) as ThemeChoice[]).map((option) => (
          <label key={option}>
            <input
              type="radio"
              name="theme"
              value={option}
              checked={choice === option}
              onChange={() => pick(option)}
            />
            {t(LABELS[option])}
          </label>
        ))}
      </div>
      <FormError error={error} />
    </fieldset>
  );
}
