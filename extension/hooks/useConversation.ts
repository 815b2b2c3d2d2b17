import { useEffect, useState } from 'preact/hooks';
import type { EngineClient } from '../lib/messaging/client';
import type { ChatMessage, ConversationId } from '../lib/model';
import { MessageList } from './message-list';
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
  const [list, setList] = useState(() => new MessageList());
  // The list changes in place (see MessageList): a new version asks for the render that reads it.
  const [, setVersion] = useState(0);
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    const messages = new MessageList();
    setList(messages);
    setError(undefined);
    const changed = (): void => setVersion((version) => version + 1);
    const unsubscribe = client.on('message', (message) => {
      if (message.peerId !== peerId) return;
      messages.upsert(message);
      changed();
    });
    client.request('openConversation', { peerId }).then(
      (history) => {
        if (!live) return;
        // Events may have arrived before the history answer; keep both, history first.
        messages.prependHistory(history);
        changed();
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

  return { messages: list.all, error, retry: () => setAttempt((count) => count + 1) };
}
