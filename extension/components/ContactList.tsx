import { useRef } from 'preact/hooks';
import type { UserId } from '../../shared/ids';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { Contact } from '../lib/messaging/protocol';
import type { ConversationId, LinkStatus } from '../lib/model';
import { Avatar } from './Avatar';
import { sectionsOf, shownName } from './contact-view';
import { RequestActions, RequestMarks } from './ContactRequest';
import { FormError } from './FormError';

interface Props {
  readonly client: EngineClient;
  readonly contacts: readonly Contact[];
  readonly links: Readonly<Record<UserId, LinkStatus>>;
  readonly unread: Readonly<Record<ConversationId, number>>;
  readonly selected: ConversationId | undefined;
  /** The "Add a contact" pane is the one shown. */
  readonly adding: boolean;
  readonly onSelect: (userId: ConversationId) => void;
  readonly onAdd: () => void;
}

function Unread({ count, muted }: { readonly count: number; readonly muted: boolean }) {
  if (count <= 0) return null;
  return (
    <span
      class={muted ? 'unread unread-muted' : 'unread'}
      data-testid="unread"
      aria-label={`${count} unread`}
    >
      {count}
    </span>
  );
}

/** One contact's button: shown name, unread count, presence, muted, direct link. */
function ContactItem({
  contact,
  direct,
  unread,
  selected,
  onSelect,
}: {
  readonly contact: Contact;
  readonly direct: boolean;
  readonly unread: number;
  readonly selected: boolean;
  readonly onSelect: (userId: ConversationId) => void;
}) {
  return (
    <li>
      <button
        type="button"
        class={contact.online ? 'contact' : 'contact offline'}
        data-testid="contact"
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(contact.userId)}
      >
        <Avatar src={contact.profile?.avatar} />
        {shownName(contact)}
        {shownName(contact) !== contact.name && (
          <span class="server-name" title="Their name on the server">
            <span class="visually-hidden">, on the server: </span>
            {contact.name}
          </span>
        )}
        <Unread count={unread} muted={contact.muted} />
        {contact.muted && (
          <span class="muted-mark" data-testid="muted" title="Muted: no badge, no notification">
            <span aria-hidden="true">🔕</span>
            <span class="visually-hidden"> muted</span>
          </span>
        )}
        <span class="presence">
          {contact.online ? <span class="visually-hidden">online</span> : 'offline'}
        </span>
        {/* A vanished peer's channel lingers until the heartbeat closes it: don't claim it. */}
        {direct && (
          <span class="link-badge" title="Direct peer-to-peer connection">
            direct
          </span>
        )}
      </button>
    </li>
  );
}

/** A request to this user: who (and what their name is worth), and the answers. */
function RequestItem({
  client,
  contact,
  unread,
  selected,
  onSelect,
  onGone,
}: {
  readonly client: EngineClient;
  readonly contact: Contact;
  readonly unread: number;
  readonly selected: boolean;
  readonly onSelect: (userId: ConversationId) => void;
  readonly onGone: () => void;
}) {
  return (
    <li class="request" data-testid="request">
      <button
        type="button"
        class="contact"
        data-testid="open-request"
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(contact.userId)}
      >
        {contact.name}
        <Unread count={unread} muted />
      </button>
      <RequestMarks contact={contact} />
      <RequestActions
        client={client}
        contact={contact}
        onAccepted={(accepted) => onSelect(accepted.userId)}
        onGone={onGone}
      />
    </li>
  );
}

/** Someone this user blocked: their conversation can still be read; Unblock is one click. */
function BlockedItem({
  client,
  contact,
  selected,
  onSelect,
}: {
  readonly client: EngineClient;
  readonly contact: Contact;
  readonly selected: boolean;
  readonly onSelect: (userId: ConversationId) => void;
}) {
  const unblocking = useAction('Not unblocked');
  return (
    <li class="blocked" data-testid="blocked-contact">
      <button
        type="button"
        class="contact offline"
        data-testid="open-blocked"
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(contact.userId)}
      >
        {shownName(contact)}
      </button>
      <button
        type="button"
        class="small"
        data-testid="unblock-contact"
        disabled={unblocking.busy}
        aria-label={`Unblock ${shownName(contact)}`}
        onClick={() =>
          void unblocking.run(async () => {
            await client.request('blockContact', { userId: contact.userId, blocked: false });
          })
        }
      >
        Unblock
      </button>
      <FormError error={unblocking.error} />
    </li>
  );
}

/**
 * The people in this profile's life, by where they stand: contacts (online first), requests to answer, requests
 * waiting for the other's answer, and blocked users; and the way to add someone.
 */
export function ContactList({ client, contacts, links, unread, selected, adding, onSelect, onAdd }: Props) {
  const { accepted, incoming, outgoing, blocked } = sectionsOf(contacts);
  const heading = useRef<HTMLHeadingElement>(null);
  // A request answered leaves the list, and the focus with it: it goes to the top of the list.
  const focusList = (): void => heading.current?.focus();
  const count = (id: UserId): number => unread[id] ?? 0;

  return (
    <nav class="contacts" aria-labelledby="contacts-title">
      <h2 id="contacts-title" tabIndex={-1} ref={heading}>
        Contacts ({accepted.filter((contact) => contact.online).length} online)
      </h2>
      <button
        type="button"
        class="add-contact-open"
        data-testid="add-contact-open"
        aria-pressed={adding}
        onClick={onAdd}
      >
        + Add contact
      </button>
      {contacts.length === 0 && (
        <p class="empty" data-testid="contacts-empty">
          No contacts yet. Add someone by their exact name, or with the invite link they sent you; or send
          them yours.
        </p>
      )}
      {accepted.length > 0 && (
        <ul aria-labelledby="contacts-title">
          {accepted.map((contact) => (
            <ContactItem
              key={contact.userId}
              contact={contact}
              direct={contact.online && links[contact.userId] === 'open'}
              unread={count(contact.userId)}
              selected={contact.userId === selected}
              onSelect={onSelect}
            />
          ))}
        </ul>
      )}
      {incoming.length > 0 && (
        <section aria-labelledby="requests-title" data-testid="requests">
          <h2 id="requests-title">Requests ({incoming.length})</h2>
          <ul>
            {incoming.map((contact) => (
              <RequestItem
                key={contact.userId}
                client={client}
                contact={contact}
                unread={count(contact.userId)}
                selected={contact.userId === selected}
                onSelect={onSelect}
                onGone={focusList}
              />
            ))}
          </ul>
        </section>
      )}
      {outgoing.length > 0 && (
        <section aria-labelledby="outgoing-title" data-testid="outgoing-requests">
          <h2 id="outgoing-title">Waiting for an answer</h2>
          <ul>
            {outgoing.map((contact) => (
              <li key={contact.userId}>
                <button
                  type="button"
                  class="contact offline"
                  data-testid="outgoing-request"
                  aria-current={contact.userId === selected ? 'true' : undefined}
                  onClick={() => onSelect(contact.userId)}
                >
                  {shownName(contact)}
                  <span class="presence">asked</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {blocked.length > 0 && (
        <section aria-labelledby="blocked-title" data-testid="blocked">
          <h2 id="blocked-title">Blocked</h2>
          <ul>
            {blocked.map((contact) => (
              <BlockedItem
                key={contact.userId}
                client={client}
                contact={contact}
                selected={contact.userId === selected}
                onSelect={onSelect}
              />
            ))}
          </ul>
        </section>
      )}
    </nav>
  );
}
