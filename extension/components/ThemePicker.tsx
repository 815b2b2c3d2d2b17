import { useEffect, useState } from 'preact/hooks';
import { loadTheme, saveTheme, type ThemeChoice } from '../lib/ui/theme';
import { errorMessage } from '../lib/errors';
import { FormError } from './FormError';

const LABELS: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** Light, dark, or the system's: applied at once, kept outside the vault (the lock screen follows it too). */
export function ThemePicker() {
  const [choice, setChoice] = useState<ThemeChoice>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    loadTheme().then(
      (loaded) => live && setChoice(loaded),
      (caught: unknown) => live && setError(`The theme was not read: ${errorMessage(caught)}`),
    );
    return () => {
      live = false;
    };
  }, []);
  const pick = (next: ThemeChoice): void => {
    setChoice(next);
    saveTheme(next).then(
      () => setError(undefined),
      (caught: unknown) => setError(`The theme was not saved: ${errorMessage(caught)}`),
    );
  };
  return (
    <fieldset class="theme-picker">
      <legend>Theme</legend>
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
            {LABELS[option]}
          </label>
        ))}
      </div>
      <FormError error={error} />
    </fieldset>
  );
}
