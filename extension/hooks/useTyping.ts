import { useEffect, useState } from 'preact/hooks';
import { TYPING_SHOWN_MS } from '../../shared/limits';
import type { EngineClient } from '../lib/messaging/client';
import type { ConversationId } from '../../shared/ids';

/**
 * Whether the contact of this conversation is typing now, from the engine's `typing` events: true until they stop,
 * a message of theirs arrives, or TYPING_SHOWN_MS pass without another (a lost "stopped" never leaves it on).
 */
export function useTyping(client: EngineClient, conversationId: ConversationId): boolean {
  const [typing, setTyping] = useState(false);
  useEffect(() => {
    setTyping(false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = (): void => {
      clearTimeout(timer);
      setTyping(false);
    };
    const offTyping = client.on('typing', (event) => {
      if (event.peerId !== conversationId) return;
      clearTimeout(timer);
      setTyping(event.typing);
      if (event.typing) timer = setTimeout(stop, TYPING_SHOWN_MS);
    });
    // A message of theirs that is new here (not a change of one already told: read, edited): they stopped. It may
    // come read already, when this conversation is on screen.
    const told = new Set<string>();
    const offMessage = client.on('message', (message) => {
      if (message.peerId !== conversationId || message.direction !== 'in' || told.has(message.id)) return;
      told.add(message.id);
      stop();
    });
    return () => {
      clearTimeout(timer);
      offTyping();
      offMessage();
    };
  }, [client, conversationId]);
  return typing;
}
