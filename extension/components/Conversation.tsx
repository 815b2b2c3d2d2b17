import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_TEXT_LENGTH } from '../../shared/limits';
import { useConversation } from '../hooks/useConversation';
import { MessageBubble } from './MessageBubble';
import { SafetyNumber } from './SafetyNumber';
import type { EngineClient } from '../lib/messaging/client';
import type { Contact, ConversationId, RoomView } from '../lib/messaging/protocol';

/** Who the conversation is with: one contact, or a room. */
export type Counterpart =
  | {
      readonly kind: 'contact';
      readonly contact: Contact;
      readonly keyChanged: boolean;
      readonly direct: boolean;
    }
  | { readonly kind: 'room'; readonly room: RoomView };

interface Props {
  readonly client: EngineClient;
  readonly with: Counterpart;
  /** Shown under the header: a room's members and invitations. */
  readonly children?: ComponentChildren;
}

const idOf = (counterpart: Counterpart): ConversationId =>
  counterpart.kind === 'contact' ? counterpart.contact.userId : counterpart.room.roomId;

/** What the header says about the path messages take. */
function pathNote(counterpart: Counterpart): string {
  if (counterpart.kind === 'room') {
    const online = counterpart.room.members.filter((member) => member.online).length;
    return `${counterpart.room.members.length} members, ${online} online; each message end-to-end encrypted to each`;
  }
  if (counterpart.direct) return 'Direct connection';
  return counterpart.contact.online
    ? 'Through the server (encrypted)'
    : 'Offline: messages wait on the server (encrypted)';
}

/** One conversation: its messages and the box to write the next one. */
export function Conversation({ client, with: counterpart, children }: Props) {
  const conversationId = idOf(counterpart);
  const [showSafety, setShowSafety] = useState(false);
  const messages = useConversation(client, conversationId);
  const [draft, setDraft] = useState('');
  const logRef = useRef<HTMLDivElement>(null);
  const title = counterpart.kind === 'contact' ? counterpart.contact.name : `# ${counterpart.room.name}`;
  const keyChanged = counterpart.kind === 'contact' && counterpart.keyChanged;
  const canWrite = !keyChanged && (counterpart.kind === 'contact' || counterpart.room.joined);
  const senderName = (userId: string | undefined): string | undefined =>
    counterpart.kind === 'room'
      ? (counterpart.room.members.find((member) => member.userId === userId)?.name ?? 'a former member')
      : undefined;

  // Follow the newest message; a status change of an old one does not scroll.
  useEffect(() => {
    logRef.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [messages.length]);

  // A message that arrives while this conversation is on screen has been seen.
  const newest = messages.at(-1);
  useEffect(() => {
    if (newest?.direction === 'in') void client.request('markRead', { peerId: conversationId });
  }, [client, conversationId, newest?.id, newest?.direction]);

  const send = (): void => {
    const text = draft.trim();
    if (!text) return;
    setDraft('');
    // Failures come back as a message with status "failed" and its reason.
    void client.request('sendText', { peerId: conversationId, text });
  };

  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header class="conversation-header">
        <h2 id="conversation-title">{title}</h2>
        <span class="link-path" data-testid="link-path">
          {pathNote(counterpart)}
        </span>
        {counterpart.kind === 'contact' && counterpart.contact.online && (
          <button type="button" aria-expanded={showSafety} onClick={() => setShowSafety(!showSafety)}>
            Safety number
          </button>
        )}
      </header>
      {children}
      {counterpart.kind === 'contact' && keyChanged && (
        <div class="key-changed" role="alert">
          <p>
            <strong>{counterpart.contact.name}'s safety number has changed.</strong> Someone may be pretending
            to be {counterpart.contact.name}, or {counterpart.contact.name} started over with a new key.
            Compare the safety number before you trust it.
          </p>
          <button
            type="button"
            onClick={() => void client.request('acceptKey', { peerId: counterpart.contact.userId })}
          >
            Accept the new key
          </button>
        </div>
      )}
      {counterpart.kind === 'contact' && (showSafety || keyChanged) && (
        <SafetyNumber
          client={client}
          peerId={counterpart.contact.userId}
          peerName={counterpart.contact.name}
        />
      )}
      <div class="messages" role="log" aria-live="polite" ref={logRef} data-testid="messages">
        {messages.map((message) => (
          <MessageBubble
            key={message.id}
            message={message}
            sender={message.from && senderName(message.from)}
          />
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
          Message to {title}
        </label>
        <textarea
          id="composer-text"
          value={draft}
          maxLength={MAX_TEXT_LENGTH}
          rows={2}
          disabled={!canWrite}
          placeholder={
            counterpart.kind === 'contact' && !counterpart.contact.online
              ? `${counterpart.contact.name} is offline: messages are delivered when ${counterpart.contact.name} is back`
              : `Message ${title} (Enter to send, Shift+Enter for a new line)`
          }
          onInput={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              send();
            }
          }}
        />
        <button type="submit" disabled={!draft.trim() || !canWrite}>
          Send
        </button>
      </form>
    </section>
  );
}
