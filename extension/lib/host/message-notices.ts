/**
 * Desktop notifications for messages that arrive while no popup is open. The engine host watches its own events:
 * a conversation whose unread count rises (a contact who is accepted and not muted, or a room) gets one notice,
 * replaced by the next (its id names the conversation). What it says follows Settings: nothing, "New message", or
 * the sender and the text; never the content while the vault is locked. Worded where it is shown (Chrome's worker,
 * Firefox's page: see message-notice-display.ts), since the offscreen document has no i18n API. Plain text only.
 */
import * as v from 'valibot';
import { MAX_NAME_LENGTH } from '../../../shared/limits';
import type { Translate } from '../i18n';
import type { EngineState } from '../messaging/protocol';
import { type ChatMessage } from '../model';
import { DEFAULT_NOTIFICATION_MODE } from '../settings';
import type { NoticeSource } from './transfer-notices';
import { ConversationIdSchema, type ConversationId } from '../../../shared/ids';

/** How much of a message a notice shows (the popup shows the rest). */
export const NOTICE_TEXT_LENGTH = 200;

export const MessageNoticeSchema = v.strictObject({
  type: v.literal('message-notice:show'),
  conversation: ConversationIdSchema,
  count: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Present only when Settings say to show content: who wrote, where, and what. */
  content: v.optional(
    v.strictObject({
      sender: v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH)),
      room: v.optional(v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH))),
      text: v.pipe(v.string(), v.maxLength(NOTICE_TEXT_LENGTH)),
      file: v.optional(v.pipe(v.string(), v.maxLength(NOTICE_TEXT_LENGTH))),
    }),
  ),
});
export type MessageNotice = Omit<v.InferOutput<typeof MessageNoticeSchema>, 'type'>;

/** The engine's ask to take a conversation's notice back (Chrome: from the offscreen document). */
export const MessageNoticeClearSchema = v.strictObject({
  type: v.literal('message-notice:clear'),
  conversation: ConversationIdSchema,
});

const NOTICE_PREFIX = 'message:';

/** The notification's id: one per conversation, so a new message replaces the notice of the one before. */
export const messageNoticeId = (conversation: ConversationId): string => `${NOTICE_PREFIX}${conversation}`;

/** The conversation a clicked notification stands for, if it is a message notice. */
export function conversationOfNotice(id: string): ConversationId | undefined {
  if (!id.startsWith(NOTICE_PREFIX)) return undefined;
  const parsed = v.safeParse(ConversationIdSchema, id.slice(NOTICE_PREFIX.length));
  return parsed.success ? parsed.output : undefined;
}

/** Title and body of a notice, in the browser's language. */
export function wordNotice(notice: MessageNotice, t: Translate): { title: string; message: string } {
  const { content, count } = notice;
  if (!content)
    return {
      title: count === 1 ? t('noticeNewMessage') : t('noticeNewMessages', [String(count)]),
      message: t('noticeOpenToRead'),
    };
  const sender = content.room ? t('noticeSenderInRoom', [content.sender, content.room]) : content.sender;
  return {
    title: count === 1 ? sender : t('noticeSenderCount', [sender, String(count)]),
    message: content.file ? t('noticeSentFile', [content.file]) : content.text,
  };
}

const clip = (text: string): string =>
  text.length <= NOTICE_TEXT_LENGTH ? text : `${text.slice(0, NOTICE_TEXT_LENGTH - 1)}…`;

/** The notice for a conversation whose unread count rose to `count`, if it notifies at all. */
export function messageNoticeOf(
  state: EngineState,
  conversation: ConversationId,
  count: number,
  latest: ChatMessage | undefined,
): MessageNotice | undefined {
  const mode = state.settings?.notifications ?? DEFAULT_NOTIFICATION_MODE;
  if (mode === 'off') return undefined;
  const contact = state.contacts.find((candidate) => candidate.userId === conversation);
  const room = state.rooms.find((candidate) => candidate.roomId === conversation);
  const notifies = contact ? contact.state === 'accepted' && !contact.muted : room?.joined === true;
  if (!notifies) return undefined;
  if (mode === 'without-content' || state.vault !== 'unlocked' || !latest) return { conversation, count };
  const from = latest.from ?? conversation;
  const writer = state.contacts.find((candidate) => candidate.userId === from);
  const sender =
    writer?.alias ??
    writer?.profile?.displayName ??
    writer?.name ??
    room?.members.find((member) => member.userId === from)?.name ??
    '?';
  return {
    conversation,
    count,
    content: {
      sender: sender.slice(0, MAX_NAME_LENGTH),
      ...(room ? { room: room.name.slice(0, MAX_NAME_LENGTH) } : {}),
      text: clip(latest.text),
      ...(latest.file ? { file: clip(latest.file.name) } : {}),
    },
  };
}

/** Where notices go: shown, or taken back once their conversation is read (or the vault locks). */
export interface MessageNoticeDisplay {
  show(notice: MessageNotice): void;
  clear(conversation: ConversationId): void;
}

/**
 * Shows a notice for each conversation whose unread count rises while `popupOpen` says no popup is open, and takes
 * it back when the count falls to none (read in a page, or every count forgotten at a lock: a notice with content
 * does not outlive the unlocked vault); returns the unsubscribe. The count rises once per new message (inbound.ts),
 * after its `message` event.
 */
export function watchMessageNotices(
  engine: NoticeSource,
  popupOpen: () => boolean,
  display: MessageNoticeDisplay,
): () => void {
  let before: Readonly<Record<ConversationId, number>> = {};
  const latest = new Map<ConversationId, ChatMessage>();
  return engine.subscribe((name, data) => {
    if (name === 'message') {
      const message = data as ChatMessage;
      if (message.direction === 'in') latest.set(message.peerId, message);
      return;
    }
    if (name !== 'state') return;
    const state = data as EngineState;
    const rose = Object.entries(state.unread).filter(
      ([conversation, count]) => count > (before[conversation] ?? 0),
    );
    const read = Object.keys(before).filter((conversation) => !state.unread[conversation]);
    before = state.unread;
    for (const conversation of read) display.clear(conversation);
    if (!popupOpen())
      for (const [conversation, count] of rose) {
        const notice = messageNoticeOf(state, conversation, count, latest.get(conversation));
        if (notice) display.show(notice);
      }
    latest.clear();
  });
}
