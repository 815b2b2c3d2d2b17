import { browser } from 'wxt/browser';

/** The theme a user picked: follow the system's light or dark, or keep one. */
export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/**
 * The key in browser.storage.local (outside the vault: the lock screen is themed too; the manifest asks for
 * "storage"), and in localStorage, the synchronous copy each page reads before its first paint.
 */
export const THEME_KEY = 'theme';

export const isThemeChoice = (value: unknown): value is ThemeChoice =>
  typeof value === 'string' && (THEME_CHOICES as readonly string[]).includes(value);

/** Sets the page's theme: a `data-theme` on <html> overrides the system's preference (style.css). */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === 'system') delete root.dataset['theme'];
  else root.dataset['theme'] = choice;
}

/** The last choice this origin saw, synchronously: read before the first paint so no wrong colour flashes. */
function cachedChoice(): ThemeChoice {
  try {
    const cached = localStorage.getItem(THEME_KEY);
    return isThemeChoice(cached) ? cached : 'system';
  } catch {
    return 'system';
  }
}

function cache(choice: ThemeChoice): void {
  try {
    localStorage.setItem(THEME_KEY, choice);
  } catch {
    // Storage refused (quota, private mode): the theme still applies to this page.
  }
}

/**
 * Applies the theme at once from the synchronous copy, then from browser.storage.local (the source of truth) and
 * whenever another page (the options page) changes it. Returns the choice applied first.
 */
export function startTheme(root: HTMLElement = document.documentElement): ThemeChoice {
  const first = cachedChoice();
  applyTheme(first, root);
  browser.storage.local.get(THEME_KEY).then(
    (stored) => {
      const choice = stored[THEME_KEY];
      if (!isThemeChoice(choice)) return;
      cache(choice);
      applyTheme(choice, root);
    },
    (error: unknown) => console.warn('theme: reading the stored theme failed', error),
  );
  browser.storage.onChanged.addListener((changes, areaName) => {
    const next: unknown = changes[THEME_KEY]?.newValue;
    if (areaName !== 'local' || !isThemeChoice(next)) return;
    cache(next);
    applyTheme(next, root);
  });
  return first;
}

/** The current choice: storage's, or the local copy's while storage holds none. */
export async function loadTheme(): Promise<ThemeChoice> {
  const stored: unknown = (await browser.storage.local.get(THEME_KEY))[THEME_KEY];
  return isThemeChoice(stored) ? stored : cachedChoice();
}

/** Saves and applies a choice; other open pages follow through storage.onChanged. */
export async function saveTheme(
  choice: ThemeChoice,
  root: HTMLElement = document.documentElement,
): Promise<void> {
  cache(choice);
  applyTheme(choice, root);
  await browser.storage.local.set({ [THEME_KEY]: choice });
}
