import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_TEXT_LENGTH } from '../../shared/limits';
import type { User } from '../../shared/protocol/socket';
import { useConversation } from '../hooks/useConversation';
import type { EngineClient } from '../lib/messaging/client';
import type { ChatMessage } from '../lib/messaging/protocol';

interface Props {
  readonly client: EngineClient;
  readonly peer: User;
}

const STATUS_LABELS: Record<ChatMessage['status'], string> = {
  sending: 'Sending…',
  sent: 'Sent',
  failed: 'Not sent',
};

/** One conversation. Message text is rendered as text (Preact escapes it), never as HTML. */
export function Conversation({ client, peer }: Props) {
  const messages = useConversation(client, peer.userId);
  const [draft, setDraft] = useState('');
  const logRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    logRef.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [messages]);

  const send = (): void => {
    const text = draft.trim();
    if (!text) return;
    setDraft('');
    // Failures come back as a message with status "failed" and its reason.
    void client.request('sendText', { peerId: peer.userId, text });
  };

  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <h2 id="conversation-title">{peer.name}</h2>
      <div class="messages" role="log" aria-live="polite" ref={logRef} data-testid="messages">
        {messages.map((message) => (
          <p key={message.id} class={`message message-${message.direction}`} data-testid="message">
            <span class="text" data-testid="message-text">
              {message.text}
            </span>
            <span class="meta">
              <time dateTime={new Date(message.sentAt).toISOString()}>
                {new Date(message.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
              </time>
              {message.direction === 'out' && (
                <span class={`delivery delivery-${message.status}`} title={message.error}>
                  {STATUS_LABELS[message.status]}
                  {message.error && `: ${message.error}`}
                </span>
              )}
            </span>
          </p>
        ))}
      </div>
      <form
        class="composer"
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <label class="visually-hidden" for="composer-text">
          Message to {peer.name}
        </label>
        <textarea
          id="composer-text"
          value={draft}
          maxLength={MAX_TEXT_LENGTH}
          rows={2}
          placeholder={`Message ${peer.name} (Enter to send, Shift+Enter for a new line)`}
          onInput={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              send();
            }
          }}
        />
        <button type="submit" disabled={!draft.trim()}>
          Send
        </button>
      </form>
    </section>
  );
}
