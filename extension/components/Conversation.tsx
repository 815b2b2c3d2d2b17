import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_TEXT_LENGTH } from '../../shared/limits';
import { useConversation } from '../hooks/useConversation';
import { MessageBubble } from './MessageBubble';
import { SafetyNumber } from './SafetyNumber';
import type { EngineClient } from '../lib/messaging/client';
import type { Contact } from '../lib/messaging/protocol';

interface Props {
  readonly client: EngineClient;
  readonly peer: Contact;
  /** The name now comes with another identity key than the one first seen: nothing is sent until accepted. */
  readonly keyChanged: boolean;
  /** A verified direct data channel to this contact is open. */
  readonly direct: boolean;
}

/** One conversation: its messages and the box to write the next one. */
export function Conversation({ client, peer, keyChanged, direct }: Props) {
  const [showSafety, setShowSafety] = useState(false);
  const messages = useConversation(client, peer.userId);
  const [draft, setDraft] = useState('');
  const logRef = useRef<HTMLDivElement>(null);

  // Follow the newest message; a status change of an old one does not scroll.
  useEffect(() => {
    logRef.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [messages.length]);

  // A message that arrives while this conversation is on screen has been seen.
  const newest = messages.at(-1);
  useEffect(() => {
    if (newest?.direction === 'in') void client.request('markRead', { peerId: peer.userId });
  }, [client, peer.userId, newest?.id, newest?.direction]);

  const send = (): void => {
    const text = draft.trim();
    if (!text) return;
    setDraft('');
    // Failures come back as a message with status "failed" and its reason.
    void client.request('sendText', { peerId: peer.userId, text });
  };

  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header class="conversation-header">
        <h2 id="conversation-title">{peer.name}</h2>
        <span class="link-path" data-testid="link-path">
          {direct
            ? 'Direct connection'
            : peer.online
              ? 'Through the server (encrypted)'
              : 'Offline: messages wait on the server (encrypted)'}
        </span>
        {peer.online && (
          <button type="button" aria-expanded={showSafety} onClick={() => setShowSafety(!showSafety)}>
            Safety number
          </button>
        )}
      </header>
      {keyChanged && (
        <div class="key-changed" role="alert">
          <p>
            <strong>{peer.name}'s safety number has changed.</strong> Someone may be pretending to be{' '}
            {peer.name}, or {peer.name} started over with a new key. Compare the safety number before you
            trust it.
          </p>
          <button type="button" onClick={() => void client.request('acceptKey', { peerId: peer.userId })}>
            Accept the new key
          </button>
        </div>
      )}
      {(showSafety || keyChanged) && (
        <SafetyNumber client={client} peerId={peer.userId} peerName={peer.name} />
      )}
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
          disabled={keyChanged}
          placeholder={
            peer.online
              ? `Message ${peer.name} (Enter to send, Shift+Enter for a new line)`
              : `${peer.name} is offline: messages are delivered when ${peer.name} is back`
          }
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
