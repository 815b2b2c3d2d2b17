import { useState } from 'preact/hooks';
import type { UserId, ConversationId } from '../../shared/ids';
import type { EngineClient } from '../lib/messaging/client';
import type { Contact, RoomView } from '../lib/messaging/protocol';
import type { LinkStatus } from '../lib/model';
import {
  matches,
  shortTime,
  sortEntries,
  type ConversationEntry,
  type ConversationSummary,
  type Summaries,
} from '../lib/ui/conversation-list';
import { Avatar } from './Avatar';
import { ContactSections } from './ContactList';
import { sectionsOf, shownName } from './contact-view';
import { Icon } from './Icon';
import { Unread } from './Unread';
import { t, tCount } from '../lib/i18n';

interface Props {
  readonly client: EngineClient;
  readonly contacts: readonly Contact[];
  readonly rooms: readonly RoomView[];
  readonly links: Readonly<Record<UserId, LinkStatus>>;
  readonly unread: Readonly<Record<ConversationId, number>>;
  readonly summaries: Summaries;
  readonly selected: ConversationId | undefined;
  readonly onSelect: (id: ConversationId) => void;
  /** Opens the screen to add a contact or a room. */
  readonly onNew: () => void;
}

/** Where a contact stands, in words (the row's second line when no message is known, else for screen readers). */
function contactStatus(contact: Contact, direct: boolean): string {
  if (!contact.online) return t('presenceOffline');
  // A vanished peer's channel lingers until the heartbeat closes it: "direct" only while they are online.
  return direct ? t('presenceDirect') : t('presenceOnline');
}

function roomStatus(room: RoomView): string {
  if (!room.joined) return t('roomOpenToJoin');
  const online = room.members.filter((member) => member.online).length;
  return tCount('roomStatusOne', 'roomStatusOther', room.members.length, [String(online)]);
}

/** A room's marks beside its name: an invitation to answer, listed publicly. */
function RoomTags({ room }: { readonly room: RoomView }) {
  return (
    <>
      {!room.joined && <span class="tag">{t('tagInvited')}</span>}
      {room.listed && <span class="tag">{t('tagPublic')}</span>}
    </>
  );
}

function statusOf(entry: ConversationEntry, direct: boolean): string {
  return entry.kind === 'contact' ? contactStatus(entry.contact, direct) : roomStatus(entry.room);
}

/** Who wrote the newest message, before it: "You", or in a room its writer's name. */
function Writer({ summary }: { readonly summary: ConversationSummary }) {
  const writer = summary.direction === 'out' ? t('you') : summary.from && (summary.fromName ?? t('someone'));
  return writer ? <span class="row-you">{writer}: </span> : null;
}

/** The newest message on one line, as text: never markup, and isolated (its direction cannot turn the row). */
function Preview({ summary, status }: { readonly summary?: ConversationSummary; readonly status: string }) {
  if (!summary) return <span class="row-preview row-status">{status}</span>;
  return (
    <>
      <span class="row-preview" data-testid="row-preview">
        <Writer summary={summary} />
        {summary.kind === 'deleted' ? (
          <em>{t('messageDeleted')}</em>
        ) : (
          <>
            {summary.kind === 'file' && <Icon name="attach" size={14} />}
            {summary.kind === 'call' && <Icon name="phone" size={14} />}
            {summary.kind === 'file' && <span class="visually-hidden">{`${t('filePrefix')} `}</span>}
            <bdi>{summary.text}</bdi>
          </>
        )}
      </span>
      <span class="visually-hidden">, {status}</span>
    </>
  );
}

/** One conversation's row: avatar, name, the newest message known, its time, unread count. */
function Row({
  entry,
  summary,
  unread,
  direct,
  selected,
  onSelect,
}: {
  readonly entry: ConversationEntry;
  readonly summary: ConversationSummary | undefined;
  readonly unread: number;
  readonly direct: boolean;
  readonly selected: boolean;
  readonly onSelect: (id: ConversationId) => void;
}) {
  const contact = entry.kind === 'contact' ? entry.contact : undefined;
  const online = contact?.online ?? false;
  const time = summary && shortTime(summary.at);
  return (
    <li>
      <button
        type="button"
        class={`row${contact && !online ? ' offline' : ''}`}
        data-testid={entry.kind}
        data-conversation={entry.id}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(entry.id)}
      >
        <span class="row-avatar">
          <Avatar src={contact?.profile?.avatar} name={entry.name} group={entry.kind === 'room'} size={40} />
          {contact && <span class={online ? 'presence-dot online' : 'presence-dot'} aria-hidden="true" />}
        </span>
        <span class="row-body">
          <span class="row-line">
            <span class="row-name">{entry.kind === 'room' ? `# ${entry.name}` : entry.name}</span>
            {contact && entry.name !== contact.name && (
              <span class="server-name" title={t('serverNameTitle')}>
                <span class="visually-hidden">{`, ${t('onTheServer')} `}</span>
                {contact.name}
              </span>
            )}
            {entry.kind === 'room' && <RoomTags room={entry.room} />}
            {contact?.muted && (
              <span class="muted-mark" data-testid="muted" title={t('mutedTitle')}>
                <Icon name="bell-off" size={14} />
                <span class="visually-hidden"> {t('muted')}</span>
              </span>
            )}
            {time && (
              <time class="row-time" dateTime={time.iso}>
                {time.label}
              </time>
            )}
          </span>
          <span class="row-line">
            <Preview summary={summary} status={statusOf(entry, direct)} />
            <Unread count={unread} muted={contact?.muted ?? false} />
          </span>
        </span>
      </button>
    </li>
  );
}

/**
 * Every conversation in one list: contacts and rooms together, most recently active first, with a filter; above
 * them requests to answer, below them requests waiting for an answer and blocked users.
 */
export function ConversationList(props: Props) {
  const { client, contacts, rooms, links, unread, summaries, selected, onSelect, onNew } = props;
  const [query, setQuery] = useState('');
  const { accepted } = sectionsOf(contacts);
  const entries: ConversationEntry[] = [
    ...accepted.map((contact) => ({
      kind: 'contact' as const,
      id: contact.userId,
      name: shownName(contact),
      contact,
    })),
    ...rooms.map((room) => ({ kind: 'room' as const, id: room.roomId, name: room.name, room })),
  ];
  const shown = sortEntries(entries, summaries, unread).filter((entry) => matches(entry, query));
  const online = accepted.filter((contact) => contact.online).length;

  return (
    <nav class="conversation-list" aria-labelledby="conversations-title">
      <div class="list-toolbar">
        <h2 id="conversations-title" class="visually-hidden">
          {t('conversationsOnline', [String(online)])}
        </h2>
        <div class="search-field">
          <Icon name="search" size={16} />
          <input
            type="search"
            aria-label={t('filterConversations')}
            placeholder={t('search')}
            value={query}
            onInput={(event) => setQuery(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape' && query) {
                event.preventDefault();
                event.stopPropagation();
                setQuery('');
              }
            }}
          />
        </div>
        <button
          type="button"
          class="icon-button primary"
          data-testid="add-contact-open"
          aria-label={t('newContactOrRoom')}
          title={t('addContactOrRoom')}
          onClick={onNew}
        >
          <Icon name="plus" />
        </button>
      </div>
      <div class="list-scroll">
        <ContactSections
          client={client}
          contacts={contacts}
          unread={unread}
          selected={selected}
          onSelect={onSelect}
          part="requests"
        />
        {entries.length === 0 && contacts.length === 0 && (
          <p class="empty" data-testid="contacts-empty">
            {t('noConversations')}
          </p>
        )}
        {shown.length > 0 && (
          <ul class="rows" aria-labelledby="conversations-title">
            {shown.map((entry) => (
              <Row
                key={entry.id}
                entry={entry}
                summary={summaries.get(entry.id)}
                unread={unread[entry.id] ?? 0}
                direct={
                  entry.kind === 'contact' && entry.contact.online && links[entry.contact.userId] === 'open'
                }
                selected={entry.id === selected}
                onSelect={onSelect}
              />
            ))}
          </ul>
        )}
        {entries.length > 0 && shown.length === 0 && (
          <p class="empty" role="status">
            {t('nothingCalled', [query.trim()])}
          </p>
        )}
        <ContactSections
          client={client}
          contacts={contacts}
          unread={unread}
          selected={selected}
          onSelect={onSelect}
          part="others"
        />
      </div>
    </nav>
  );
}
