/**
 * Editing and deleting messages: this profile's own (here, and for everyone through the outbox as `edit` and
 * `delete` contents), and the changes contacts make to theirs (applied only to a message the sender wrote, in the
 * conversation the change names).
 */
import { ErrorCode } from '../../../shared/errors';
import { randomId, type UserId, type ConversationId } from '../../../shared/ids';
import { MAX_EDITS_PER_MESSAGE } from '../../../shared/limits';
import { CONTENT_VERSION, type DeleteContent, type EditContent } from '../../../shared/protocol/content';
import { EngineError } from '../errors';
import type { ChatMessage } from '../model';
import type { MessageLog } from './message-log';
import type { Profile } from './profile';

/** Changes to a message, as they travel. */
export type MessageChange = EditContent | DeleteContent;

/** Changes whose message has not come (yet) that are kept for it, this engine run only. */
const MAX_WAITING_CHANGES = 1000;

export interface MessageChangesDeps {
  readonly now: () => number;
  readonly log: MessageLog;
  /** Throws unless this profile may write in the conversation now (sending.ts checkedRecipients). */
  readonly mayWrite: (opened: Profile, conversation: ConversationId) => void;
  /** Puts a change in the outbox for each recipient of the conversation (sending.ts); resolves once stored. */
  readonly send: (opened: Profile, conversation: ConversationId, change: MessageChange) => Promise<void>;
}

export interface MessageChanges {
  /** Changes the text of one of this profile's own text messages, here and for everyone it went to. */
  edit(opened: Profile, conversation: ConversationId, id: string, text: string): Promise<ChatMessage>;
  /** Deletes a message here only (any message), or for everyone (one of this profile's own text messages). */
  remove(
    opened: Profile,
    conversation: ConversationId,
    id: string,
    forEveryone: boolean,
  ): Promise<ChatMessage>;
  /**
   * A change from `peerId` (a member, for a room: inbound.ts checks): applied if they wrote the message and it can
   * take it, else ignored; kept for later if the message is not here (yet). Every outcome is receipted.
   */
  received(opened: Profile, peerId: UserId, change: MessageChange): Promise<void>;
  /** A change with this id was already received this run, for a message not here: a copy, to receipt only. */
  waiting(id: string): boolean;
  /** A message just recorded: the changes that came before it, from its author, are applied now. */
  arrived(opened: Profile, message: ChatMessage): Promise<void>;
}

/** What is left of a deleted message: no text, no file's name, no quote. */
function tombstone(message: ChatMessage, at: number, forEveryone: boolean, change?: string): ChatMessage {
  const { id, peerId, from, awaiting, direction, sentAt, status, via, changes } = message;
  const taken = change === undefined ? changes : [...(changes ?? []), change];
  return {
    id,
    peerId,
    ...(from ? { from } : {}),
    ...(awaiting ? { awaiting } : {}),
    direction,
    text: '',
    sentAt,
    status,
    ...(via ? { via } : {}),
    deleted: { at, forEveryone },
    ...(taken ? { changes: taken } : {}),
  };
}

/** Only a message of text (not a file's offer, not a call's entry) still there can be edited or deleted for all. */
const changeable = (message: ChatMessage): boolean => !message.file && !message.call && !message.deleted;

export function createMessageChanges(deps: MessageChangesDeps): MessageChanges {
  /** By `conversation/message id`: changes that came before their message. */
  const waitingFor = new Map<string, { readonly from: UserId; readonly change: MessageChange }[]>();
  const waitingIds = new Set<string>();

  /** Applies `change` to a message in place, and tells the pages; the message as changed, if it was. */
  async function rewrite(
    opened: Profile,
    conversation: ConversationId,
    id: string,
    direction: ChatMessage['direction'],
    change: (known: ChatMessage) => ChatMessage | undefined,
  ): Promise<ChatMessage | undefined> {
    let result: ChatMessage | undefined;
    await deps.log.advance(
      opened.conversations,
      conversation,
      id,
      direction,
      (known) => (result = change(known)),
    );
    return result;
  }

  /** A deleted message's text must not live on in the replies that quoted it. */
  async function forgetQuotes(opened: Profile, conversation: ConversationId, id: string): Promise<void> {
    const quoting = (await opened.conversations.list(conversation)).filter(
      (message) => message.reply?.id === id && message.reply.text !== '',
    );
    await Promise.all(
      quoting.map((message) =>
        rewrite(opened, conversation, message.id, message.direction, (known) =>
          known.reply ? { ...known, reply: { ...known.reply, text: '' } } : undefined,
        ),
      ),
    );
  }

  /** Applies a change from the author to their message (an incoming one); false if it could not take it. */
  function apply(known: ChatMessage, change: MessageChange): ChatMessage | undefined {
    const taken = known.changes ?? [];
    if (!changeable(known) || taken.includes(change.id)) return undefined;
    if (change.kind === 'delete') return tombstone(known, change.deletedAt, true, change.id);
    if (taken.length >= MAX_EDITS_PER_MESSAGE) return undefined;
    // An older edit arriving late only counts as taken: the newer text stays.
    if (known.edited !== undefined && known.edited > change.editedAt)
      return { ...known, changes: [...taken, change.id] };
    return { ...known, text: change.text, edited: change.editedAt, changes: [...taken, change.id] };
  }

  async function own(opened: Profile, conversation: ConversationId, id: string): Promise<ChatMessage> {
    const message = await opened.conversations.get(conversation, id, 'out');
    if (!message)
      throw new EngineError(ErrorCode.NotFound, 'Only your own messages can be changed for everyone');
    if (!changeable(message))
      throw new EngineError(
        ErrorCode.InvalidPayload,
        'Only a message of text that is still there can be changed',
      );
    return message;
  }

  const changeFor = (opened: Profile, conversation: ConversationId) =>
    opened.rooms.has(conversation) ? { room: conversation } : {};

  return {
    async edit(opened, conversation, id, text) {
      const message = await own(opened, conversation, id);
      if (message.text === text) return message;
      if ((message.changes?.length ?? 0) >= MAX_EDITS_PER_MESSAGE)
        throw new EngineError(
          ErrorCode.InvalidPayload,
          `A message can be edited at most ${MAX_EDITS_PER_MESSAGE} times`,
        );
      deps.mayWrite(opened, conversation);
      const change: EditContent = {
        v: CONTENT_VERSION,
        kind: 'edit',
        id: randomId(),
        target: id,
        text,
        editedAt: deps.now(),
        ...changeFor(opened, conversation),
      };
      const [edited] = await Promise.all([
        rewrite(opened, conversation, id, 'out', (known) => ({
          ...known,
          text,
          edited: change.editedAt,
          changes: [...(known.changes ?? []), change.id],
        })),
        deps.send(opened, conversation, change),
      ]);
      return edited ?? message;
    },
    async remove(opened, conversation, id, forEveryone) {
      if (!forEveryone) {
        const message = await opened.conversations.get(conversation, id);
        if (!message) throw new EngineError(ErrorCode.NotFound, 'This message is not in the conversation');
        if (message.deleted) return message;
        const deleted = await rewrite(opened, conversation, id, message.direction, (known) =>
          tombstone(known, deps.now(), false),
        );
        await forgetQuotes(opened, conversation, id);
        return deleted ?? message;
      }
      const message = await own(opened, conversation, id);
      deps.mayWrite(opened, conversation);
      const change: DeleteContent = {
        v: CONTENT_VERSION,
        kind: 'delete',
        id: randomId(),
        target: id,
        deletedAt: deps.now(),
        ...changeFor(opened, conversation),
      };
      const [deleted] = await Promise.all([
        rewrite(opened, conversation, id, 'out', (known) =>
          tombstone(known, change.deletedAt, true, change.id),
        ),
        deps.send(opened, conversation, change),
      ]);
      await forgetQuotes(opened, conversation, id);
      return deleted ?? message;
    },
    async received(opened, peerId, change) {
      const conversation = change.room ?? peerId;
      const target = await opened.conversations.get(conversation, change.target, 'in');
      // The author only: a room's message from them, or any incoming message of their own conversation.
      if (target && (change.room ? target.from === peerId : target.from === undefined)) {
        const changed = await rewrite(opened, conversation, target.id, 'in', (known) => apply(known, change));
        if (changed?.deleted) await forgetQuotes(opened, conversation, target.id);
        return;
      }
      if (target) return; // someone else's message: not theirs to change
      // Not here (yet): it may come later by another path. Kept for it, this run only, within bounds.
      if (waitingIds.size >= MAX_WAITING_CHANGES) return;
      const key = `${conversation}/${change.target}`;
      waitingFor.set(key, [...(waitingFor.get(key) ?? []), { from: peerId, change }]);
      waitingIds.add(change.id);
    },
    waiting: (id) => waitingIds.has(id),
    async arrived(opened, message) {
      const key = `${message.peerId}/${message.id}`;
      const changes = waitingFor.get(key);
      if (!changes) return;
      waitingFor.delete(key);
      for (const { from, change } of changes) {
        waitingIds.delete(change.id);
        // From its author only (see received).
        if (message.direction !== 'in' || (message.from ?? message.peerId) !== from) continue;
        const changed = await rewrite(opened, message.peerId, message.id, 'in', (known) =>
          apply(known, change),
        );
        if (changed?.deleted) await forgetQuotes(opened, message.peerId, message.id);
      }
    },
  };
}
