// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (changes: Record<string, { newValue?: unknown }>, area: string) => void;

/** An in-memory browser.storage.local, and its onChanged; reset before each test. */
const fake = vi.hoisted(() => {
  const state = { stored: {} as Record<string, unknown>, listeners: [] as Listener[] };
  const local = {
    get: (key: string) => Promise.resolve(key in state.stored ? { [key]: state.stored[key] } : {}),
    set: (items: Record<string, unknown>) => {
      Object.assign(state.stored, items);
      const changes = Object.fromEntries(
        Object.entries(items).map(([key, value]) => [key, { newValue: value }]),
      );
      for (const listener of state.listeners) listener(changes, 'local');
      return Promise.resolve();
    },
  };
  const browser = {
    storage: { local, onChanged: { addListener: (listener: Listener) => state.listeners.push(listener) } },
  };
  return { state, browser };
});
vi.mock('wxt/browser', () => ({ browser: fake.browser }));
const { THEME_KEY, applyTheme, loadTheme, saveTheme, startTheme } =
  await import('../../../extension/lib/ui/theme');

const root = (): HTMLElement => document.documentElement;

beforeEach(() => {
  fake.state.stored = {};
  fake.state.listeners = [];
  localStorage.clear();
  delete root().dataset['theme'];
});
afterEach(() => vi.restoreAllMocks());

describe('the theme', () => {
  it('follows the system by default: no data-theme on the page', async () => {
    expect(startTheme()).toBe('system');
    expect(root().dataset['theme']).toBeUndefined();
    expect(await loadTheme()).toBe('system');
  });

  it('applies a saved choice before the first paint from its local copy, then from storage', async () => {
    await saveTheme('dark');
    expect(fake.state.stored[THEME_KEY]).toBe('dark');
    delete root().dataset['theme'];
    // A new page: the synchronous copy gives the theme at once.
    expect(startTheme()).toBe('dark');
    expect(root().dataset['theme']).toBe('dark');
    // Storage says otherwise (changed elsewhere while this page was closed): storage wins.
    fake.state.stored[THEME_KEY] = 'light';
    startTheme();
    await vi.waitFor(() => expect(root().dataset['theme']).toBe('light'));
    expect(localStorage.getItem(THEME_KEY)).toBe('light');
  });

  it('follows a change made in another page (the options page)', async () => {
    startTheme();
    await fake.browser.storage.local.set({ [THEME_KEY]: 'light' });
    expect(root().dataset['theme']).toBe('light');
    await fake.browser.storage.local.set({ [THEME_KEY]: 'system' });
    expect(root().dataset['theme']).toBeUndefined();
  });

  it('ignores a stored value that is not a theme', async () => {
    fake.state.stored[THEME_KEY] = '<script>';
    localStorage.setItem(THEME_KEY, 'purple');
    expect(startTheme()).toBe('system');
    expect(await loadTheme()).toBe('system');
    applyTheme('light');
    expect(root().dataset['theme']).toBe('light');
  });
});
