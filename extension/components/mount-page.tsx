import { render, type ComponentChild } from 'preact';
import { ErrorBoundary } from './ErrorBoundary';
import { loadEnglishIfNeeded, t, type MessageKey } from '../lib/i18n';
import { startTheme } from '../lib/ui/theme';

interface Page {
  /** The page's name in its error when its HTML has no #app (popup, options, share, call). */
  readonly name: string;
  readonly title: MessageKey;
  /** What the last-resort error boundary calls the page. */
  readonly part: MessageKey;
  readonly app: () => ComponentChild;
}

/**
 * Starts an extension page: the theme picked (here or on the options page) from the first frame, with no flash of
 * the other; then, once the browser is known to give strings (or the English table is here: it never rejects), its
 * title, language and app under a last-resort boundary (a screen's own boundary should catch errors first).
 */
export function mountPage({ name, title, part, app }: Page): void {
  // When the page's script began (its files loaded): DevTools and the bench (popup-open) split an opening there.
  performance.mark(`${name}:start`);
  const root = document.getElementById('app');
  if (!root) throw new Error(`${name}: #app is missing from ${name}.html`);
  startTheme();
  void loadEnglishIfNeeded().then(() => {
    document.title = t(title);
    document.documentElement.lang = t('locale');
    render(<ErrorBoundary part={t(part)}>{app()}</ErrorBoundary>, root);
  });
}
