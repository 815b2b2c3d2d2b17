import type { UserId, ConversationId } from '../../shared/ids';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { Contact } from '../lib/messaging/protocol';
import { Avatar } from './Avatar';
import { sectionsOf, shownName } from './contact-view';
import { RequestActions, RequestMarks } from './ContactRequest';
import { FormError } from './FormError';
import { Unread } from './Unread';
import { t } from '../lib/i18n';

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
        data-conversation={contact.userId}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(contact.userId)}
      >
        <Avatar name={contact.name} size={28} />
        <span class="row-name">{contact.name}</span>
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
  const unblocking = useAction(t('notUnblocked'));
  return (
    <li class="blocked" data-testid="blocked-contact">
      <button
        type="button"
        class="contact offline"
        data-testid="open-blocked"
        data-conversation={contact.userId}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(contact.userId)}
      >
        <Avatar name={shownName(contact)} size={28} />
        <span class="row-name">{shownName(contact)}</span>
      </button>
      <button
        type="button"
        class="small"
        data-testid="unblock-contact"
        disabled={unblocking.busy}
        aria-label={t('unblockName', [shownName(contact)])}
        onClick={() =>
          void unblocking.run(async () => {
            await client.request('blockContact', { userId: contact.userId, blocked: false });
          })
        }
      >
        {t('unblock')}
      </button>
      <FormError error={unblocking.error} />
    </li>
  );
}

/** Focus for when a request answered leaves the list: the list's heading. */
const focusList = (): void => document.getElementById('conversations-title')?.focus();

interface SectionsProps {
  readonly client: EngineClient;
  readonly contacts: readonly Contact[];
  readonly unread: Readonly<Record<ConversationId, number>>;
  readonly selected: ConversationId | undefined;
  readonly onSelect: (userId: ConversationId) => void;
  /** requests: those to answer (above the conversations); others: waiting for an answer, and blocked (below). */
  readonly part: 'requests' | 'others';
}

/**
 * The people in this profile's life who are not (yet, or any more) a conversation: requests to answer, requests
 * waiting for the other's answer, and blocked users.
 */
export function ContactSections({ client, contacts, unread, selected, onSelect, part }: SectionsProps) {
  const { incoming, outgoing, blocked } = sectionsOf(contacts);
  const count = (id: UserId): number => unread[id] ?? 0;
  if (part === 'requests')
    return incoming.length === 0 ? null : (
      <section class="list-section" aria-labelledby="requests-title" data-testid="requests">
        <h2 id="requests-title">{t('requestsCount', [String(incoming.length)])}</h2>
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
    );
  return (
    <>
      {outgoing.length > 0 && (
        <section class="list-section" aria-labelledby="outgoing-title" data-testid="outgoing-requests">
          <h2 id="outgoing-title">{t('waitingForAnswer')}</h2>
          <ul>
            {outgoing.map((contact) => (
              <li key={contact.userId}>
                <button
                  type="button"
                  class="contact offline"
                  data-testid="outgoing-request"
                  data-conversation={contact.userId}
                  aria-current={contact.userId === selected ? 'true' : undefined}
                  onClick={() => onSelect(contact.userId)}
                >
                  <Avatar name={shownName(contact)} size={28} />
                  <span class="row-name">{shownName(contact)}</span>
                  <span class="presence">{t('asked')}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {blocked.length > 0 && (
        <section class="list-section" aria-labelledby="blocked-title" data-testid="blocked">
          <h2 id="blocked-title">{t('blocked')}</h2>
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
    </>
  );
}
