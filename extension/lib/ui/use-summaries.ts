import { useCallback, useEffect, useState } from 'preact/hooks';
import type { EngineClient } from '../messaging/client';
import type { ChatMessage } from '../model';
import { withMessage, withRecent, type Summaries } from './conversation-list';

/**
 * The newest message of each conversation, as the engine previews it: its whole list once (`listRecent`: the
 * history's newest of each, so also after a browser restart), then each change it tells (`recent` events). `seen`
 * takes a message a page shows, for a conversation the engine's list has not covered yet.
 */
export function useSummaries(client: EngineClient | undefined): {
  readonly summaries: Summaries;
  readonly seen: (message: ChatMessage) => void;
} {
  const [summaries, setSummaries] = useState<Summaries>(() => new Map());
  const seen = useCallback((message: ChatMessage): void => {
    setSummaries((current) => withMessage(current, message));
  }, []);
  useEffect(() => {
    if (!client) return undefined;
    let live = true;
    // Listening first: a change told before the list's answer is in that answer too (one ordered channel), and
    // one told after it is applied over it.
    const stop = client.on('recent', (list) => setSummaries((current) => withRecent(current, list)));
    client
      .request('listRecent', {})
      .then((list) => {
        if (live) setSummaries((current) => withRecent(current, list));
      })
      // The rows then say where each conversation stands instead (and show each change from now on).
      .catch((error: unknown) =>
        console.warn('popup: the conversations’ newest messages did not load', error),
      );
    return () => {
      live = false;
      stop();
    };
  }, [client]);
  return { summaries, seen };
}
