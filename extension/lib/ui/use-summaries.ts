import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { EngineClient } from '../messaging/client';
import type { ChatMessage } from '../model';
import { withMessage, withRecent, type Summaries } from './conversation-list';

/**
 * The newest message of each conversation, as the engine previews it: its whole list once (`listRecent`: the
 * history's newest of each, so also after a browser restart), then each change it tells (`recent` events). Held
 * outside the screens: a message's preview re-renders the list that shows it (useSummaries), not the conversation
 * beside it (the popup renders on the thread the engine runs on).
 */
export interface SummaryStore {
  readonly current: () => Summaries;
  readonly subscribe: (listener: () => void) => () => void;
  /** Takes a message a page shows, for a conversation the engine's list has not covered yet. */
  readonly seen: (message: ChatMessage) => void;
}

function createSummaryStore(): SummaryStore & { update(change: (current: Summaries) => Summaries): void } {
  let summaries: Summaries = new Map();
  const listeners = new Set<() => void>();
  const update = (change: (current: Summaries) => Summaries): void => {
    const next = change(summaries);
    if (next === summaries) return;
    summaries = next;
    for (const listener of listeners) listener();
  };
  return {
    current: () => summaries,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    seen: (message) => update((current) => withMessage(current, message)),
    update,
  };
}

/** The previews of `client`'s engine, kept for as long as the component that asks lives. */
export function useSummaryStore(client: EngineClient | undefined): SummaryStore {
  const store = useMemo(createSummaryStore, []);
  useEffect(() => {
    if (!client) return undefined;
    let live = true;
    // Listening first: a change told before the list's answer is in that answer too (one ordered channel), and
    // one told after it is applied over it.
    const stop = client.on('recent', (list) => store.update((current) => withRecent(current, list)));
    client
      .request('listRecent', {})
      .then((list) => {
        if (live) store.update((current) => withRecent(current, list));
      })
      // The rows then say where each conversation stands instead (and show each change from now on).
      .catch((error: unknown) =>
        console.warn('popup: the conversations’ newest messages did not load', error),
      );
    return () => {
      live = false;
      stop();
    };
  }, [client, store]);
  return store;
}

/**
 * The previews as they are now; the component re-renders as they change, unless `paused` (a list out of sight,
 * behind a conversation, waits: it shows the newest again as it renders, when it comes back).
 */
export function useSummaries(store: SummaryStore, paused = false): Summaries {
  const [, changed] = useState(0);
  const rendered = useRef<Summaries | undefined>(undefined);
  useEffect(() => {
    if (paused) return undefined;
    const renderAgain = (): void => {
      if (store.current() !== rendered.current) changed((count) => count + 1);
    };
    renderAgain(); // a change between the render and this effect
    return store.subscribe(renderAgain);
  }, [store, paused]);
  rendered.current = store.current();
  return rendered.current;
}
