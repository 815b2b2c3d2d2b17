import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorMessage, useAction } from '../hooks/useAction';
import { useConversation } from '../hooks/useConversation';
import { Composer } from './Composer';
import { FormError } from './FormError';
import { MessageLog } from './MessageLog';
import { SafetyNumber } from './SafetyNumber';
import type { EngineClient } from '../lib/messaging/client';
import type { Contact, RoomView } from '../lib/messaging/protocol';
import type { ChatMessage, ConversationId } from '../lib/model';

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

/** Asks to trust a contact's new key; says so if the engine could not record it. */
function KeyChangedBanner({ client, contact }: { readonly client: EngineClient; readonly contact: Contact }) {
  const accepting = useAction('The new key is not accepted');
  return (
    <div class="key-changed">
      <p role="alert">
        <strong>{contact.name}'s safety number has changed.</strong> Someone may be pretending to be{' '}
        {contact.name}, or {contact.name} started over with a new key. Compare the safety number before you
        trust it.
      </p>
      <button
        type="button"
        disabled={accepting.busy}
        onClick={() =>
          void accepting.run(() =>
            client.request('acceptKey', { peerId: contact.userId }).then(() => undefined),
          )
        }
      >
        Accept the new key
      </button>
      <FormError error={accepting.error} />
    </div>
  );
}

/** One conversation: its messages and the box to write the next one. */
export function Conversation({ client, with: counterpart, children }: Props) {
  const conversationId = idOf(counterpart);
  const [showSafety, setShowSafety] = useState(false);
  const history = useConversation(client, conversationId);
  const { messages } = history;
  const [readError, setReadError] = useState<string>();
  const title = counterpart.kind === 'contact' ? counterpart.contact.name : `# ${counterpart.room.name}`;
  const keyChanged = counterpart.kind === 'contact' && counterpart.keyChanged;
  const canWrite = !keyChanged && (counterpart.kind === 'contact' || counterpart.room.joined);
  const senderOf = ({ from }: ChatMessage): string | undefined =>
    counterpart.kind === 'room' && from
      ? (counterpart.room.members.find((member) => member.userId === from)?.name ?? 'a former member')
      : undefined;

  // A message that arrives while this conversation is on screen has been seen.
  const newest = messages.at(-1);
  useEffect(() => {
    if (newest?.direction !== 'in') return;
    let live = true;
    client.request('markRead', { peerId: conversationId }).then(
      () => {
        if (live) setReadError(undefined);
      },
      (caught: unknown) => {
        if (live) setReadError(`Not marked as read: ${errorMessage(caught)}`);
      },
    );
    return () => {
      live = false;
    };
  }, [client, conversationId, newest?.id, newest?.direction]);

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
        <KeyChangedBanner client={client} contact={counterpart.contact} />
      )}
      {counterpart.kind === 'contact' && (showSafety || keyChanged) && (
        <SafetyNumber
          client={client}
          peerId={counterpart.contact.userId}
          peerName={counterpart.contact.name}
        />
      )}
      {history.error && (
        <div class="load-failed">
          <FormError error={history.error} />
          <button type="button" onClick={history.retry}>
            Try again
          </button>
        </div>
      )}
      <FormError error={readError} />
      <MessageLog messages={messages} senderOf={senderOf} />
      <Composer
        client={client}
        conversationId={conversationId}
        title={title}
        canWrite={canWrite}
        placeholder={
          counterpart.kind === 'contact' && !counterpart.contact.online
            ? `${counterpart.contact.name} is offline: messages are delivered when ${counterpart.contact.name} is back`
            : `Message ${title} (Enter to send, Shift+Enter for a new line)`
        }
      />
    </section>
  );
}
