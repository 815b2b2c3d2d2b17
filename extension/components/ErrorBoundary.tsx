import { Component, type ComponentChildren } from 'preact';
import { t } from '../lib/i18n';

interface Props {
  /** What is inside, as the user knows it ("This conversation"): named in the message if it fails. */
  readonly part: string;
  readonly children: ComponentChildren;
}

interface State {
  readonly error: Error | undefined;
}

/**
 * Keeps a failure to render one part of a screen (a message no code expected, a bug) inside that part: it says
 * what failed and offers a reload, and the rest of the popup stays. Without it Preact unmounts everything.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: undefined };

  static override getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown): void {
    console.error(`ErrorBoundary: ${this.props.part} failed to show`, error);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div class="failed-part" role="alert" data-testid="error-boundary">
        <p>
          <strong>{t('partFailed', [this.props.part])}</strong>: {error.message}
        </p>
        <p>{t('partFailedSafe')}</p>
        <button type="button" onClick={() => location.reload()}>
          {t('reload')}
        </button>
      </div>
    );
  }
}
