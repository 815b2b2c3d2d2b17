import { useRef, useState } from 'preact/hooks';
import { MessageBubble } from './MessageBubble';
import type { ChatMessage } from '../lib/model';

/**
 * How many of the newest messages are on the page at first, and how many more each "Show earlier messages" adds.
 * The popup shares its thread with the engine (Chrome): what it renders, lays out and paints per message must
 * not grow with the length of the conversation.
 */
export const MESSAGE_WINDOW = 100;

interface Props {
  /** The whole conversation, oldest first, as the engine gave it. */
  readonly messages: readonly ChatMessage[];
  /** In a room: who wrote a message; undefined elsewhere. */
  readonly senderOf: (message: ChatMessage) => string | undefined;
}

/**
 * The newest messages of a conversation, and a button for earlier ones. It never scrolls by script (measuring
 * the list forces a layout of it): the stylesheet makes the browser hold the reader's place, counted from the
 * bottom, so new messages stay in view at the bottom and move nothing for someone scrolled up (style.css).
 */
export function MessageLog({ messages, senderOf }: Props) {
  const [limit, setLimit] = useState(MESSAGE_WINDOW);
  const log = useRef<HTMLDivElement>(null);
  const hidden = Math.max(0, messages.length - limit);
  const shown = hidden === 0 ? messages : messages.slice(hidden);

  const showEarlier = (): void => {
    // The button goes once nothing is left to show: focus moves to the messages rather than to the page.
    if (hidden <= MESSAGE_WINDOW) log.current?.focus({ preventScroll: true });
    setLimit((current) => current + MESSAGE_WINDOW);
  };

  return (
    <div class="messages-scroller">
      <div class="messages-column">
        {hidden > 0 && (
          <button type="button" class="show-earlier" onClick={showEarlier}>
            Show earlier messages
          </button>
        )}
        <div class="messages" role="log" aria-live="polite" tabIndex={-1} ref={log} data-testid="messages">
          {shown.map((message) => (
            <MessageBubble key={message.id} message={message} sender={senderOf(message)} />
          ))}
        </div>
      </div>
    </div>
  );
}
