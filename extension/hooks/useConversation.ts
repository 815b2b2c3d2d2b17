import { useEffect, useState } from 'preact/hooks';
import type { EngineClient } from '../lib/messaging/client';
import type { ChatMessage, ConversationId } from '../lib/messaging/protocol';
import { errorMessage } from './useAction';

export interface ConversationView {
  readonly messages: readonly ChatMessage[];
  /** Why the history did not load (what arrives since is still shown); undefined when it did. */
  readonly error: string | undefined;
  /** Asks the engine for the history again. */
  readonly retry: () => void;
}

/** The messages of a conversation (a contact or a room), kept current from the engine's `message` events. */
export function useConversation(client: EngineClient, peerId: ConversationId): ConversationView {
  const [messages, setMessages] = useState<readonly ChatMessage[]>([]);
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setMessages([]);
    setError(undefined);
    const upsert = (message: ChatMessage): void =>
      setMessages((current) => {
        const index = current.findIndex((known) => known.id === message.id);
        if (index === -1) return [...current, message];
        return current.map((known, i) => (i === index ? message : known));
      });
    const unsubscribe = client.on('message', (message) => {
      if (message.peerId === peerId) upsert(message);
    });
    client.request('openConversation', { peerId }).then(
      (history) => {
        if (!live) return;
        // Events may have arrived before the history answer; keep both, history first.
        setMessages((arrived) => [...history.filter((h) => !arrived.some((a) => a.id === h.id)), ...arrived]);
      },
      (caught: unknown) => {
        if (live) setError(`The history did not load: ${errorMessage(caught)}`);
      },
    );
    return () => {
      live = false;
      unsubscribe();
    };
  }, [client, peerId, attempt]);

  return { messages, error, retry: () => setAttempt((count) => count + 1) };
}
