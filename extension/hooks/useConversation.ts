import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { EngineClient } from '../lib/messaging/client';
import type { ChatMessage } from '../lib/model';
import { renderPromptly } from '../components/render-pace';
import { MessageList } from './message-list';
import { takeFirstPage } from './first-page';
import { errorMessage } from '../lib/errors';
import { t } from '../lib/i18n';
import type { ConversationId } from '../../shared/ids';

/**
 * How many messages each request for history asks for: the first, and each "load earlier". A page is all a
 * popup opening a conversation waits for, however long the conversation is.
 */
export const HISTORY_PAGE = 100;

/** The part of the history not yet asked for. */
export interface EarlierHistory {
  /** Whether the engine may hold messages before the first one here. */
  readonly more: boolean;
  /** A page of them is on its way. */
  readonly loading: boolean;
  /** Asks for the page before the first message here (nothing while one is on its way or none are left). */
  readonly load: () => void;
}

export interface ConversationView {
  /** The newest messages, from the newest page asked for on: oldest first. */
  readonly messages: readonly ChatMessage[];
  readonly earlier: EarlierHistory;
  /** Why the history did not load (what arrives since is still shown); undefined when it did. */
  readonly error: string | undefined;
  /** Asks the engine for the history again. */
  readonly retry: () => void;
}

/** The messages of a conversation (a contact or a room), kept current from the engine's `message` events. */
export function useConversation(client: EngineClient, peerId: ConversationId): ConversationView {
  // The newest page, if the popup asked for it as it connected (first-page.ts): shown from the first render when in.
  const [ahead] = useState(() => takeFirstPage(client, peerId, HISTORY_PAGE));
  /** The page asked for ahead, for the first run of the effect below only. */
  const taken = useRef(ahead);
  const [list, setList] = useState(() => ahead?.list ?? new MessageList());
  // The list changes in place (see MessageList): a new version asks for the render that reads it.
  const [, setVersion] = useState(0);
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [more, setMore] = useState(() => ahead?.page?.length === HISTORY_PAGE);
  const [loading, setLoading] = useState(() => !ahead?.page);
  /** Asks for the page before the oldest message held; replaced for each conversation opened. */
  const loadEarlier = useRef<() => void>(() => undefined);

  // Asked for as soon as the conversation is on the page, not after its first paint (as useEffect would): the
  // popup's opening is waiting for this answer.
  useLayoutEffect(() => {
    let live = true;
    let busy = false;
    const first = taken.current;
    taken.current = undefined;
    // The first run goes on from the page asked for ahead, already in the state.
    const messages = first?.list ?? new MessageList();
    if (!first) {
      setList(messages);
      setError(undefined);
      setMore(false);
    }
    const changed = (): void => setVersion((version) => version + 1);
    const unsubscribe = client.on('message', (message) => {
      if (message.peerId !== peerId) return;
      messages.upsert(message);
      changed();
    });
    /** The page before `before` (the newest without it), put before what is held; `asked`: on its way already. */
    const page = (before: string | undefined, asked?: Promise<readonly ChatMessage[]>): void => {
      busy = true;
      setLoading(true);
      const request =
        before === undefined ? { peerId, limit: HISTORY_PAGE } : { peerId, before, limit: HISTORY_PAGE };
      const ask = (): Promise<readonly ChatMessage[]> => client.request('openConversation', request);
      (asked ? asked.catch(ask) : ask()).then(
        (history) => {
          if (!live) return;
          busy = false;
          setLoading(false);
          // Events may have arrived before the history answer; keep both, history first.
          messages.prependHistory(history);
          setMore(history.length === HISTORY_PAGE);
          changed();
          renderPromptly(); // the user opened the conversation, or asked for more: no pacing
        },
        (caught: unknown) => {
          if (!live) return;
          busy = false;
          setLoading(false);
          setMore(false); // not asked again by itself: "Try again" (retry) starts over
          setError(t('historyNotLoaded', [errorMessage(caught)]));
        },
      );
    };
    loadEarlier.current = () => {
      const oldest = messages.all[0];
      if (!busy && oldest) page(oldest.id);
    };
    if (!first?.page) page(undefined, first?.answer);
    return () => {
      live = false;
      unsubscribe();
    };
  }, [client, peerId, attempt]);

  return {
    messages: list.all,
    earlier: { more, loading, load: () => loadEarlier.current() },
    error,
    retry: () => setAttempt((count) => count + 1),
  };
}
