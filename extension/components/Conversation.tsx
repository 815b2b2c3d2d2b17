import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_TEXT_LENGTH } from '../../shared/limits';
import type { User } from '../../shared/protocol/socket';
import { useConversation } from '../hooks/useConversation';
import { MessageBubble } from './MessageBubble';
import type { EngineClient } from '../lib/messaging/client';

interface Props {
  readonly client: EngineClient;
  readonly peer: User;
}

/** One conversation: its messages and the box to write the next one. */
export function Conversation({ client, peer }: Props) {
  const messages = useConversation(client, peer.userId);
  const [draft, setDraft] = useState('');
  const logRef = useRef<HTMLDivElement>(null);

  // Follow the newest message; a status change of an old one does not scroll.
  useEffect(() => {
    logRef.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [messages.length]);

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
          <MessageBubble key={message.id} message={message} />
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
