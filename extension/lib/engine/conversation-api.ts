/** The engine's conversation requests (messaging/conversation-protocol.ts), on the modules that do the work. */
import type { UserId, ConversationId } from '../../../shared/ids';
import { MAX_SEARCH_RESULTS } from '../../../shared/limits';
import type { ConversationResponses } from '../messaging/conversation-protocol';
import type { EngineParams } from '../messaging/protocol';
import { searchConversation } from './conversation-search';
import type { Drafts } from './drafts';
import type { MessageChanges } from './message-changes';
import type { Profile } from './profile';
import type { Receipts } from './receipts';
import type { Sending } from './sending';
import type { Typing } from './typing';

type ConversationApi = {
  [M in keyof ConversationResponses]: (params: EngineParams<M>) => Promise<ConversationResponses[M]>;
};

export interface ConversationApiDeps {
  /** The open profile (a `locked` error if none), re-arming the auto-lock. */
  readonly open: () => Profile;
  readonly sending: Sending;
  readonly changes: MessageChanges;
  readonly receipts: Pick<Receipts, 'readConversation'>;
  readonly typing: Pick<Typing, 'draftChanged'>;
  readonly drafts: Drafts;
  /** Links to these users now if they are online, else as soon as they are. */
  readonly want: (userId: UserId) => void;
  readonly setUnread: (conversation: ConversationId, count: number) => void;
}

export function conversationApi(deps: ConversationApiDeps): ConversationApi {
  const { open, sending, changes, drafts } = deps;
  return {
    async openConversation({ peerId, before, limit }) {
      const opened = open();
      // A room's members, or the one contact: linked to now if online, else as soon as they are.
      for (const userId of sending.recipients(opened, peerId)) deps.want(userId);
      deps.setUnread(peerId, 0);
      const messages = await opened.conversations.page(peerId, before, limit);
      void deps.receipts.readConversation(opened, peerId);
      return messages;
    },
    async sendText({ peerId, text, replyTo }) {
      const opened = open();
      const message = await sending.sendText(opened, peerId, text, replyTo);
      drafts.set(peerId, '');
      deps.typing.draftChanged(opened, peerId, ''); // "stopped"
      return message;
    },
    async markRead({ peerId }) {
      const opened = open();
      deps.setUnread(peerId, 0);
      await deps.receipts.readConversation(opened, peerId);
      return {};
    },
    editMessage: async ({ peerId, messageId, text }) => changes.edit(open(), peerId, messageId, text),
    deleteMessage: async ({ peerId, messageId, forEveryone }) =>
      changes.remove(open(), peerId, messageId, forEveryone),
    searchConversation: async ({ peerId, query, limit }) =>
      searchConversation(open().conversations, peerId, query, limit ?? MAX_SEARCH_RESULTS),
    async setDraft({ peerId, text }) {
      const opened = open();
      drafts.set(peerId, text);
      deps.typing.draftChanged(opened, peerId, text);
      return {};
    },
    async getDraft({ peerId }) {
      open(); // unlocked only: a draft is what the user wrote
      return { text: drafts.get(peerId) };
    },
  };
}
