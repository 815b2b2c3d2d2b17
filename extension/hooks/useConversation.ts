import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { EngineClient } from '../lib/messaging/client';
import type { ChatMessage, ConversationId } from '../lib/model';
import { renderPromptly } from '../components/render-pace';
import { MessageList } from './message-list';
import { errorMessage } from '../lib/errors';
import { t } from '../lib/i18n';

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
  const [list, setList] = useState(() => new MessageList());
  // The list changes in place (see MessageList): a new version asks for the render that reads it.
  const [, setVersion] = useState(0);
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(true);
  /** Asks for the page before the oldest message held; replaced for each conversation opened. */
  const loadEarlier = useRef<() => void>(() => undefined);

  // Asked for as soon as the conversation is on the page, not after its first paint (as useEffect would): the
  // popup's opening is waiting for this answer.
  useLayoutEffect(() => {
    let live = true;
    let busy = false;
    const messages = new MessageList();
    setList(messages);
    setError(undefined);
    setMore(false);
    const changed = (): void => setVersion((version) => version + 1);
    const unsubscribe = client.on('message', (message) => {
      if (message.peerId !== peerId) return;
      messages.upsert(message);
      changed();
    });
    /** The page before `before` (the newest without it), put before what is held. */
    const page = (before: string | undefined): void => {
      busy = true;
      setLoading(true);
      const request =
        before === undefined ? { peerId, limit: HISTORY_PAGE } : { peerId, before, limit: HISTORY_PAGE };
      client.request('openConversation', request).then(
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
    page(undefined);
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
