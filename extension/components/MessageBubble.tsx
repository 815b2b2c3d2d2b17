import { memo } from 'preact/compat';
import type { ChatMessage } from '../lib/model';
import { FileCard } from './FileCard';

const STATUS_LABELS: Record<ChatMessage['status'], string> = {
  sending: 'Sending…',
  sent: '✓ Sent',
  delivered: '✓✓ Delivered',
  read: '✓✓ Read',
  failed: 'Not sent yet, will retry',
};

const PATH_LABELS: Record<NonNullable<ChatMessage['via']>, { label: string; title: string }> = {
  direct: { label: 'direct', title: 'Sent peer to peer over an encrypted data channel' },
  server: {
    label: 'via server',
    title: 'Relayed by the server as ciphertext (no direct connection, or the contact was offline)',
  },
};

// One formatter for every bubble: toLocaleTimeString() builds a new Intl formatter per call, and the engine
// shares this renderer's main thread (Chrome runs all of an extension's pages in one process).
const timeFormat = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });

/** When a message was sent, for people and for machines; nothing for a time no Date can hold (never a throw). */
function sentTime(sentAt: number): { readonly label: string; readonly iso: string } | undefined {
  const date = new Date(sentAt);
  if (Number.isNaN(date.getTime())) return undefined;
  return { label: timeFormat.format(date), iso: date.toISOString() };
}

/** One message. Its text is rendered as text (Preact escapes it), never as HTML. Memoized: a new message re-renders one row. */
export const MessageBubble = memo(function MessageBubble({
  message,
  sender,
}: {
  readonly message: ChatMessage;
  /** In a room: who wrote an incoming message. */
  readonly sender?: string | undefined;
}) {
  const time = sentTime(message.sentAt);
  const { file } = message;
  // A file card holds blocks (its transfer, a list of members): not a paragraph's content.
  const Bubble = file ? 'div' : 'p';
  return (
    <Bubble class={`message message-${message.direction}`} data-testid="message">
      {sender && (
        <span class="sender" data-testid="message-sender">
          {sender}
        </span>
      )}
      {file && <FileCard message={message} file={file} />}
      {/* A file message's text is its name (shown on the card) or a caption. */}
      {(!file || message.text !== file.name) && (
        <span class="text" data-testid="message-text">
          {message.text}
        </span>
      )}
      <span class="meta">
        {time && <time dateTime={time.iso}>{time.label}</time>}
        {message.via && (
          <span class="path" data-testid="message-path" title={PATH_LABELS[message.via].title}>
            {PATH_LABELS[message.via].label}
          </span>
        )}
        {message.direction === 'out' && (
          <span
            class={`delivery delivery-${message.status}`}
            data-testid="message-status"
            data-status={message.status}
            title={message.error}
          >
            {STATUS_LABELS[message.status]}
            {message.error && `: ${message.error}`}
          </span>
        )}
      </span>
    </Bubble>
  );
});
