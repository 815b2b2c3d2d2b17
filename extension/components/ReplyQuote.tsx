import type { ReplyQuote as Quote } from '../lib/model';
import './message-actions.css';
import { t } from '../lib/i18n';

interface Props {
  readonly quote: Quote;
  /** Who wrote the quoted message, as the conversation names them. */
  readonly name: string;
}

/** The message a reply answers, as text (never markup): its author and the start of its text. */
export function ReplyQuote({ quote, name }: Props) {
  return (
    <span class="log-quote" data-testid="message-quote">
      <span class="log-quote-name">{name}</span>
      <span class="log-quote-text">{quote.text === '' ? t('deletedMessage') : quote.text}</span>
    </span>
  );
}
