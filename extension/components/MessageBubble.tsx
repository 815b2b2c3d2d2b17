import { memo } from 'preact/compat';
import type { ChatMessage } from '../lib/messaging/protocol';

const STATUS_LABELS: Record<ChatMessage['status'], string> = {
  sending: 'Sending…',
  sent: 'Sent',
  failed: 'Not sent',
};

// One formatter for every bubble: toLocaleTimeString() builds a new Intl formatter per call, and the engine
// shares this renderer's main thread (Chrome runs all of an extension's pages in one process).
const timeFormat = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });

/** One message. Its text is rendered as text (Preact escapes it), never as HTML. Memoized: a new message re-renders one row. */
export const MessageBubble = memo(function MessageBubble({ message }: { readonly message: ChatMessage }) {
  return (
    <p class={`message message-${message.direction}`} data-testid="message">
      <span class="text" data-testid="message-text">
        {message.text}
      </span>
      <span class="meta">
        <time dateTime={new Date(message.sentAt).toISOString()}>{timeFormat.format(message.sentAt)}</time>
        {message.direction === 'out' && (
          <span class={`delivery delivery-${message.status}`} title={message.error}>
            {STATUS_LABELS[message.status]}
            {message.error && `: ${message.error}`}
          </span>
        )}
      </span>
    </p>
  );
});
