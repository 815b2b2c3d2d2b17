/**
 * A conversation's part of the page protocol (protocol.ts spreads it in): its history in pages, sending (a reply
 * too), editing and deleting messages, searching the history, drafts, and the typing indicator.
 */
import * as v from 'valibot';
import { MessageIdSchema, type UserId, ConversationIdSchema, type ConversationId } from '../../../shared/ids';
import { MAX_SEARCH_QUERY_LENGTH, MAX_SEARCH_RESULTS, MAX_TEXT_LENGTH } from '../../../shared/limits';
import { TextMessageSchema } from '../../../shared/protocol/content';
import { type ChatMessage } from '../model';

/** The most messages one page of history holds (openConversation's `limit`). */
export const MAX_HISTORY_PAGE = 1000;

export const conversationRequestSchemas = {
  /**
   * A conversation's messages, oldest first, and marks them read. With `limit`, only the newest `limit` of them
   * (before the message `before`, when given): a page. Fewer than `limit` back means none are left before them.
   */
  openConversation: v.strictObject({
    peerId: ConversationIdSchema,
    before: v.optional(MessageIdSchema),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_HISTORY_PAGE))),
  }),
  /** A new message; `replyTo` names the message it answers (in the same conversation). */
  sendText: v.strictObject({
    peerId: ConversationIdSchema,
    text: TextMessageSchema,
    replyTo: v.optional(MessageIdSchema),
  }),
  /** Marks a conversation read (the page shows it). */
  markRead: v.strictObject({ peerId: ConversationIdSchema }),
  /** Changes the text of one of this profile's own text messages, here and for everyone it went to. */
  editMessage: v.strictObject({
    peerId: ConversationIdSchema,
    messageId: MessageIdSchema,
    text: TextMessageSchema,
  }),
  /**
   * Deletes a message: here only (any message), or for everyone (this profile's own text messages): a tombstone
   * with no text is kept in its place.
   */
  deleteMessage: v.strictObject({
    peerId: ConversationIdSchema,
    messageId: MessageIdSchema,
    forEveryone: v.boolean(),
  }),
  /** Messages whose text contains `query` (any case), newest first, at most `limit` (MAX_SEARCH_RESULTS). */
  searchConversation: v.strictObject({
    peerId: ConversationIdSchema,
    query: v.pipe(
      v.string(),
      v.trim(),
      v.minLength(1, 'must not be empty'),
      v.maxLength(MAX_SEARCH_QUERY_LENGTH, `must be at most ${MAX_SEARCH_QUERY_LENGTH} characters`),
    ),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_SEARCH_RESULTS))),
  }),
  /**
   * What the user is writing in a conversation, kept in the engine's memory until sent, emptied or locked (never
   * written to disk); it also tells the contact "typing" or "stopped" (see TypingFrameSchema), when the settings
   * allow it.
   */
  setDraft: v.strictObject({
    peerId: ConversationIdSchema,
    text: v.pipe(v.string(), v.maxLength(MAX_TEXT_LENGTH)),
  }),
  /** The draft kept for a conversation ('' if none). */
  getDraft: v.strictObject({ peerId: ConversationIdSchema }),
} as const;

export interface ConversationResponses {
  openConversation: readonly ChatMessage[];
  sendText: ChatMessage;
  /** Nothing: the new unread counts come as a `state` event, like every change. */
  markRead: Record<string, never>;
  editMessage: ChatMessage;
  deleteMessage: ChatMessage;
  searchConversation: readonly ChatMessage[];
  setDraft: Record<string, never>;
  getDraft: { readonly text: string };
}

/** A contact is typing to this profile (or stopped): shown until TYPING_SHOWN_MS after the last one. */
export interface TypingView {
  readonly peerId: UserId;
  readonly typing: boolean;
}

/** A conversation's newest message as the conversation list shows it: plain text (a page never renders it as HTML). */
export interface RecentMessage {
  /** text: its text; file: the file's name; call: how the call went, in words; deleted: a tombstone (no text). */
  readonly kind: 'text' | 'file' | 'call' | 'deleted';
  /** On one line, at most MAX_PREVIEW_LENGTH characters. */
  readonly text: string;
  /** The sender's clock, ms since epoch. */
  readonly at: number;
  readonly direction: ChatMessage['direction'];
  /** Who wrote an incoming room message, and the name this profile knows them by (when it knows one). */
  readonly from?: UserId;
  readonly fromName?: string;
  /** Its author edited it. */
  readonly edited?: true;
}

/** Previews by conversation: of every conversation with a message (`whole`), or only of those that changed. */
export interface RecentList {
  readonly conversations: Readonly<Record<ConversationId, RecentMessage>>;
  readonly whole: boolean;
}

export interface ConversationEvents {
  typing: TypingView;
  /** Conversations' newest messages changed (a message came, was sent, edited or deleted), or were read anew. */
  recent: RecentList;
}
