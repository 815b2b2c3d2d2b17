import { memo } from './memo';
import { useContext } from 'preact/hooks';
import type { ChatMessage } from '../lib/model';
import { FileCard } from './FileCard';
import { LinkifiedText } from './LinkifiedText';
import { MessageActionsContext } from './message-actions';
import { MessageMenu } from './MessageMenu';
import { ReplyQuote } from './ReplyQuote';
import { Ticks } from './Ticks';
import { shownTime } from './log-rows';
import { t, type MessageKey } from '../lib/i18n';

const PATH_LABELS: Record<NonNullable<ChatMessage['via']>, { label: MessageKey; title: MessageKey }> = {
  direct: { label: 'viaDirect', title: 'viaDirectTitle' },
  server: { label: 'viaServer', title: 'viaServerTitle' },
};

interface Props {
  readonly message: ChatMessage;
  /** Its row's key in the log (its element's data-key: the log finds the row by it). */
  readonly rowKey?: string;
  /** In a room: who wrote an incoming message. */
  readonly sender?: string | undefined;
  /** The first of a group of one sender's messages (its name shows); false: it continues the one above. */
  readonly groupStart?: boolean;
  readonly groupEnd?: boolean;
  /**
   * Now, for a message sent within the hour (its time is said relative to it, "5 min ago"); undefined for the
   * others, so that the minute's tick re-renders only those.
   */
  readonly now?: number | undefined;
}

/** What is left in a deleted message's place. */
function deletedNote(message: ChatMessage): string {
  if (!message.deleted?.forEveryone) return t('deletedHere');
  return t(message.direction === 'out' ? 'deletedByYou' : 'deletedByThem');
}

/**
 * One message. Its text is rendered as text (Preact escapes it), never as HTML; its links open in a new tab. A
 * reply shows the start of the message it answers; an edited one says so; a deleted one only that it was. Its
 * menu (MessageMenu) replies, copies, edits or deletes. Memoized: a new message re-renders one row.
 */
export const MessageBubble = memo(function MessageBubble({
  message,
  rowKey,
  sender,
  groupStart = true,
  groupEnd = true,
  now,
}: Props) {
  const actions = useContext(MessageActionsContext);
  const time = shownTime(message.sentAt, now ?? Number.NaN);
  const edited = message.edited === undefined ? undefined : shownTime(message.edited, Number.NaN);
  const { file, reply, deleted } = message;
  // A file card holds blocks (its transfer, a list of members): not a paragraph's content.
  const Bubble = file ? 'div' : 'p';
  const place = `${groupStart ? ' log-group-start' : ''}${groupEnd ? ' log-group-end' : ''}`;
  return (
    <Bubble class={`log-bubble log-${message.direction}${place}`} data-testid="message" data-key={rowKey}>
      {sender && (
        // Said for each message to a screen reader; seen only at the top of a group.
        <span class={groupStart ? 'log-sender' : 'log-visually-hidden'} data-testid="message-sender">
          {sender}
        </span>
      )}
      {reply && !deleted && <ReplyQuote quote={reply} name={actions?.nameOf(reply.from) ?? t('someone')} />}
      {file && !deleted && <FileCard message={message} file={file} />}
      {deleted && (
        <span class="log-text log-deleted" data-testid="message-deleted">
          {deletedNote(message)}
        </span>
      )}
      {/* A file message's text is its name (shown on the card) or a caption. */}
      {!deleted && (!file || message.text !== file.name) && (
        <span class="log-text" data-testid="message-text">
          <LinkifiedText text={message.text} />
        </span>
      )}
      <span class="log-meta">
        {edited && !deleted && (
          <span class="log-edited" data-testid="message-edited" title={t('editedAt', [edited.title])}>
            {t('edited')}
          </span>
        )}
        {time && (
          <time dateTime={time.iso} title={time.title}>
            {time.label}
          </time>
        )}
        {message.via && (
          <span class="log-path" data-testid="message-path" title={t(PATH_LABELS[message.via].title)}>
            {t(PATH_LABELS[message.via].label)}
          </span>
        )}
        {message.direction === 'out' && <Ticks message={message} />}
        <MessageMenu message={message} />
      </span>
    </Bubble>
  );
});
