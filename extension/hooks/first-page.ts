/**
 * The newest page of the conversation the popup opens on, asked for as soon as the engine is connected, beside its
 * state: the conversation then renders with its messages the first time it is on the page, instead of asking once
 * it is there (a round trip and a frame later). The messages that arrive for it meanwhile are kept with the page,
 * as useConversation keeps them, so none is missed between the ask and the conversation's own listening. Taken
 * once, by that conversation; a page that failed (the vault locked, the conversation gone) is asked for again by
 * whoever takes it.
 */
import type { EngineClient } from '../lib/messaging/client';
import type { ChatMessage } from '../lib/model';
import { MessageList } from './message-list';
import type { ConversationId } from '../../shared/ids';

export interface FirstPage {
  /** What arrived for the conversation since the ask, with the page before it once that is in. */
  readonly list: MessageList;
  /** The page as the engine answered it; undefined while it is on its way (or if it failed). */
  readonly page: readonly ChatMessage[] | undefined;
  /** The engine's answer: for the taker to put into `list` when it comes, if `page` was not in yet. */
  readonly answer: Promise<readonly ChatMessage[]>;
}

interface Asked extends FirstPage {
  readonly client: EngineClient;
  readonly peerId: ConversationId;
  readonly limit: number;
  page: readonly ChatMessage[] | undefined;
  readonly stop: () => void;
}

let asked: Asked | undefined;

/**
 * Asks `client` now for the newest `limit` messages of `peerId`, for takeFirstPage. Resolves once the answer is in
 * (or failed: never rejects).
 */
export function askFirstPage(client: EngineClient, peerId: ConversationId, limit: number): Promise<void> {
  asked?.stop();
  const list = new MessageList();
  const stop = client.on('message', (message) => {
    if (message.peerId === peerId) list.upsert(message);
  });
  const answer = client.request('openConversation', { peerId, limit });
  const entry: Asked = { client, peerId, limit, list, page: undefined, answer, stop };
  const settled = answer.then(
    (page) => {
      // Taken before it came: the taker puts it in.
      if (asked !== entry) return;
      list.prependHistory(page);
      entry.page = page;
    },
    // Its failure is for whoever takes it; one never taken must not be reported as unhandled.
    () => undefined,
  );
  asked = entry;
  return settled;
}

/** The page asked for ahead with the same client, conversation and limit, once; undefined if there is none. */
export function takeFirstPage(
  client: EngineClient,
  peerId: ConversationId,
  limit: number,
): FirstPage | undefined {
  const found = asked;
  if (found?.client !== client || found.peerId !== peerId || found.limit !== limit) return undefined;
  asked = undefined;
  // The taker listens from now on, in this same task.
  found.stop();
  return found;
}
