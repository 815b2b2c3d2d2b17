import { useEffect, useState } from 'preact/hooks';
import type { EngineClient } from '../lib/messaging/client';
import type { ChatMessage, ConversationId } from '../lib/messaging/protocol';

/** The messages of a conversation (a contact or a room), kept current from the engine's `message` events. */
export function useConversation(client: EngineClient, peerId: ConversationId): readonly ChatMessage[] {
  const [messages, setMessages] = useState<readonly ChatMessage[]>([]);

  useEffect(() => {
    let live = true;
    setMessages([]);
    const upsert = (message: ChatMessage): void =>
      setMessages((current) => {
        const index = current.findIndex((known) => known.id === message.id);
        if (index === -1) return [...current, message];
        return current.map((known, i) => (i === index ? message : known));
      });
    const unsubscribe = client.on('message', (message) => {
      if (message.peerId === peerId) upsert(message);
    });
    void client.request('openConversation', { peerId }).then((history) => {
      if (!live) return;
      // Events may have arrived before the history answer; keep both, history first.
      setMessages((arrived) => [...history.filter((h) => !arrived.some((a) => a.id === h.id)), ...arrived]);
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [client, peerId]);

  return messages;
}
