import { useCallback, useEffect, useState } from 'preact/hooks';
import type { EngineClient } from '../messaging/client';
import type { ChatMessage } from '../model';
import { withMessage, type Summaries } from './conversation-list';

/**
 * The newest message of each conversation this popup has seen: every message the engine reports while it is open,
 * and the newest of each conversation opened. (The engine's state carries no last message per conversation, so
 * a conversation not touched since the popup opened shows where it stands instead.)
 */
export function useSummaries(client: EngineClient | undefined): {
  readonly summaries: Summaries;
  readonly seen: (message: ChatMessage) => void;
} {
  const [summaries, setSummaries] = useState<Summaries>(() => new Map());
  const seen = useCallback((message: ChatMessage): void => {
    setSummaries((current) => withMessage(current, message));
  }, []);
  useEffect(() => client?.on('message', seen), [client, seen]);
  return { summaries, seen };
}
