import type { ComponentChildren } from 'preact';
import { lazy } from './lazy';
import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { useAction } from '../hooks/useAction';
import { errorMessage } from '../lib/errors';
import { useConversation } from '../hooks/useConversation';
import { useTyping } from '../hooks/useTyping';
import { Composer } from './Composer';
import { ConversationSearch } from './ConversationSearch';
import { MessageActionsContext, type MessageActions } from './message-actions';
import { FormError } from './FormError';
import { Avatar } from './Avatar';
import { Icon } from './Icon';
import { ScreenHeader } from './ScreenHeader';
import { MessageLog } from './MessageLog';
import { composerFor, shownName, standingNote } from './contact-view';
import type { EngineClient } from '../lib/messaging/client';
import type { Contact, RoomView } from '../lib/messaging/protocol';
import type { ChatMessage } from '../lib/model';
import { t, tCount } from '../lib/i18n';
import type { ConversationId } from '../../shared/ids';

// Loaded when first asked for: it carries a QR code generator, which most openings of the popup never need.
const SafetyNumber = lazy(() => import('./SafetyNumber').then(({ SafetyNumber }) => SafetyNumber));

/** Who the conversation is with: one contact (or request, or blocked user), or a room. */
export type Counterpart =
  | { readonly kind: 'contact'; readonly contact: Contact; readonly direct: boolean }
  | { readonly kind: 'room'; readonly room: RoomView };

interface Props {
  readonly client: EngineClient;
  readonly with: Counterpart;
  /** In the header, after the title: a contact's menu. */
  readonly actions?: ComponentChildren;
  /** In the header, first of its buttons: the voice and video call buttons (CallButtons), where there are some. */
  readonly calls?: ComponentChildren;
  /** Back to the conversation list (the back button; the popup also takes Escape): none, no back button. */
  readonly onBack?: () => void;
  /** The newest message shown changed: the list's row for this conversation says it. */
  readonly onLatest?: (message: ChatMessage) => void;
  /** Shown under the header: a room's members and invitations, a request's answers. */
  readonly children?: ComponentChildren;
}

const idOf = (counterpart: Counterpart): ConversationId =>
  counterpart.kind === 'contact' ? counterpart.contact.userId : counterpart.room.roomId;

/** What the header says: for a room its members, for a contact where things stand (the path messages take). */
function pathNote(counterpart: Counterpart): string {
  if (counterpart.kind === 'contact') return standingNote(counterpart.contact, counterpart.direct);
  const online = counterpart.room.members.filter((member) => member.online).length;
  const { length } = counterpart.room.members;
  return tCount('roomMembersOne', 'roomMembersOther', length, [String(online)]);
}

/** Whether the box is open, and what it says. */
function composerOf(counterpart: Counterpart, title: string) {
  if (counterpart.kind === 'contact') return composerFor(counterpart.contact);
  return {
    canWrite: counterpart.room.joined,
    placeholder: t('composeRoom', [title]),
  };
}

/**
 * One conversation: its messages (each with its menu: reply, copy, edit, delete), the box to write the next one,
 * whether the contact is typing, and a search of its history.
 */
export function Conversation({
  client,
  with: counterpart,
  actions,
  calls,
  onBack,
  onLatest,
  children,
}: Props) {
  const conversationId = idOf(counterpart);
  const [showSafety, setShowSafety] = useState(false);
  const history = useConversation(client, conversationId);
  const { messages } = history;
  const [readError, setReadError] = useState<string>();
  const [replyTo, setReplyTo] = useState<ChatMessage>();
  const [editing, setEditing] = useState<ChatMessage>();
  const [searching, setSearching] = useState(false);
  const removing = useAction(t('notDeleted'));
  const typing = useTyping(client, conversationId);
  const title =
    counterpart.kind === 'contact' ? shownName(counterpart.contact) : `# ${counterpart.room.name}`;
  const { canWrite, placeholder } = composerOf(counterpart, title);
  const senderOf = ({ from }: ChatMessage): string | undefined =>
    counterpart.kind === 'room' && from
      ? (counterpart.room.members.find((member) => member.userId === from)?.name ?? t('formerMember'))
      : undefined;

  const nameOfAuthor = (userId: string | undefined): string => {
    if (userId === undefined) return t('someone');
    if (counterpart.kind === 'contact') return userId === counterpart.contact.userId ? title : t('you');
    return counterpart.room.members.find((member) => member.userId === userId)?.name ?? t('someone');
  };
  const nameOfMessage = (message: ChatMessage): string =>
    message.direction === 'out' ? t('yourself') : (senderOf(message) ?? title);
  // The same object while nothing it reads changes: every bubble reads it (MessageBubble is memoized).
  const messageActions = useMemo<MessageActions>(
    () => ({
      reply(message) {
        setEditing(undefined);
        setReplyTo(message);
      },
      edit(message) {
        setReplyTo(undefined);
        setEditing(message);
      },
      remove(message, forEveryone) {
        void removing.run(async () => {
          await client.request('deleteMessage', {
            peerId: conversationId,
            messageId: message.id,
            forEveryone,
          });
          setReplyTo((shown) => (shown?.id === message.id ? undefined : shown));
          setEditing((shown) => (shown?.id === message.id ? undefined : shown));
        });
      },
      nameOf: nameOfAuthor,
    }),
    // The names change with the counterpart and the title.
    [client, conversationId, counterpart, title],
  );

  // While this conversation is on screen and in sight, the engine takes its new messages as read as they come.
  useEffect(() => {
    const tell = (): void => client.show(document.visibilityState === 'visible' ? conversationId : undefined);
    tell();
    document.addEventListener('visibilitychange', tell);
    return () => {
      document.removeEventListener('visibilitychange', tell);
      client.show(undefined);
    };
  }, [client, conversationId]);

  // A message that arrives while this conversation is on screen has been seen. Told as it renders, not after its
  // paint: a conversation left at once (Escape) would go before its effects, and the list would miss its newest.
  const newest = messages.at(-1);
  useLayoutEffect(() => {
    if (newest) onLatest?.(newest);
  }, [newest, onLatest]);
  // The newest message from the other side, whether or not a reply came after it: a reply sent (or received)
  // before this screen rendered again must not leave it unread. Read marks everything before it too (receipts.ts).
  const newestIn = useMemo(() => messages.findLast((message) => message.direction === 'in'), [messages]);
  const unreadId = newestIn && newestIn.status !== 'read' ? newestIn.id : undefined;
  useEffect(() => {
    if (unreadId === undefined) return;
    let live = true;
    client.request('markRead', { peerId: conversationId }).then(
      () => {
        if (live) setReadError(undefined);
      },
      (caught: unknown) => {
        if (live) setReadError(t('notMarkedRead', [errorMessage(caught)]));
      },
    );
    return () => {
      live = false;
    };
  }, [client, conversationId, unreadId]);

  const contact = counterpart.kind === 'contact' ? counterpart.contact : undefined;
  return (
    <section class="conversation screen-body" aria-labelledby="conversation-title">
      <ScreenHeader
        titleId="conversation-title"
        title={title}
        onBack={onBack}
        before={
          <Avatar
            src={contact?.profile?.avatar}
            name={counterpart.kind === 'contact' ? title : counterpart.room.name}
            group={!contact}
            size={32}
          />
        }
        subtitle={
          <p class="screen-subtitle">
            {contact && title !== contact.name && (
              <span class="own-name" title={t('serverNameTitle')} data-testid="server-name">
                ({contact.name})
              </span>
            )}{' '}
            <span class="link-path" data-testid="link-path">
              {pathNote(counterpart)}
            </span>
          </p>
        }
        actions={
          <>
            {calls}
            <button
              type="button"
              class="icon-button"
              aria-label={t('searchConversation')}
              title={t('searchConversation')}
              aria-expanded={searching}
              data-testid="search-toggle"
              onClick={() => setSearching(!searching)}
            >
              <Icon name="search" />
            </button>
            {contact && (
              <button
                type="button"
                class="icon-button"
                aria-label={t('safetyNumber')}
                title={t('safetyNumberTitle')}
                aria-expanded={showSafety}
                onClick={() => setShowSafety(!showSafety)}
              >
                <Icon name="shield" />
              </button>
            )}
            {actions}
          </>
        }
      />
      {contact?.profile?.bio && (
        <p class="profile-bio" data-testid="profile-bio">
          {contact.profile.bio}
        </p>
      )}
      {children}
      {counterpart.kind === 'contact' && showSafety && (
        <SafetyNumber client={client} peerId={counterpart.contact.userId} peerName={title} />
      )}
      {history.error && (
        <div class="load-failed">
          <FormError error={history.error} />
          <button type="button" onClick={history.retry}>
            {t('tryAgain')}
          </button>
        </div>
      )}
      {searching && <ConversationSearch client={client} conversationId={conversationId} />}
      <FormError error={readError} />
      <FormError error={removing.error} />
      <MessageActionsContext.Provider value={messageActions}>
        <MessageLog messages={messages} senderOf={senderOf} earlier={history.earlier} />
      </MessageActionsContext.Provider>
      {contact && (
        <p class="typing-line" aria-live="polite" data-testid="typing">
          {typing && t('isTyping', [title])}
        </p>
      )}
      <Composer
        client={client}
        conversationId={conversationId}
        title={title}
        canWrite={canWrite}
        placeholder={placeholder}
        replyTo={replyTo}
        editing={editing}
        nameOf={nameOfMessage}
        onSettled={() => {
          setReplyTo(undefined);
          setEditing(undefined);
        }}
      />
    </section>
  );
}
