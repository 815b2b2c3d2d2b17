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
  /**
   * What the first render should show, on its way (the engine's answers): the first render waits for it, at most
   * FIRST_RENDER_WAIT, so that the page's first frame shows it rather than a moment of "Starting".
   */
  readonly ready?: Promise<unknown>;
}

/** The longest a page's first render waits for `ready`, in ms: an engine that is starting takes longer. */
export const FIRST_RENDER_WAIT = 150; // ms

/** Settles with `promise`, or after `ms` if it has not by then; never rejects. */
function atMost(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}

/**
 * Starts an extension page: the theme picked (here or on the options page) from the first frame, with no flash of
 * the other; then, once the browser is known to give strings (or the English table is here: it never rejects), its
 * title, language and app under a last-resort boundary (a screen's own boundary should catch errors first).
 */
export function mountPage({ name, title, part, app, ready }: Page): void {
  // When the page's script began (its files loaded): DevTools and the bench (popup-open) split an opening there.
  performance.mark(`${name}:start`);
  const root = document.getElementById('app');
  if (!root) throw new Error(`${name}: #app is missing from ${name}.html`);
  startTheme();
  void Promise.all([loadEnglishIfNeeded(), ready && atMost(ready, FIRST_RENDER_WAIT)]).then(() => {
    document.title = t(title);
    document.documentElement.lang = t('locale');
    render(<ErrorBoundary part={t(part)}>{app()}</ErrorBoundary>, root);
  });
}
