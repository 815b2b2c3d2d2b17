import type { ChatMessage, MessageStatus } from '../lib/model';
import { t, type MessageKey } from '../lib/i18n';

/** What each status says, to everyone: the icon is its picture, these its words (read aloud, and the tooltip). */
const STATUS_WORDS: Record<MessageStatus, MessageKey> = {
  sending: 'statusSending',
  sent: 'statusSent',
  delivered: 'statusDelivered',
  read: 'statusRead',
  failed: 'statusFailed',
};

/** 16×16 strokes: a clock, one check, two checks, a warning. */
const PATHS: Record<MessageStatus, string> = {
  sending: 'M8 3.5a4.5 4.5 0 1 0 0 9a4.5 4.5 0 1 0 0-9M8 5.5V8l1.8 1.2',
  sent: 'M3.5 8.5l2.8 2.8L12.5 5',
  delivered: 'M1.5 8.5l2.8 2.8L10.5 5M6.8 10.8l.5.5L13.5 5',
  read: 'M1.5 8.5l2.8 2.8L10.5 5M6.8 10.8l.5.5L13.5 5',
  failed: 'M8 3v6M8 11.5v1.5',
};

/**
 * An outgoing message's delivery: an icon named by its words (read aloud, and its tooltip), and why it failed
 * beside it. Three elements: each outgoing message in the log has them, and an opening popup draws 50 rows.
 */
export function Ticks({ message }: { readonly message: ChatMessage }) {
  const words = t(STATUS_WORDS[message.status]);
  return (
    <>
      <svg
        class={`log-icon log-ticks log-ticks-${message.status}`}
        data-testid="message-status"
        data-status={message.status}
        role="img"
        aria-label={words}
        viewBox="0 0 16 16"
        width="16"
        height="16"
        focusable="false"
      >
        <title>{message.error ? t('withReason', [words, message.error]) : words}</title>
        <path d={PATHS[message.status]} />
      </svg>
      {message.error && <span class="log-ticks-error">{message.error}</span>}
    </>
  );
}
