import type { Page } from 'playwright-core';
import type { ChatMessage } from '../../extension/lib/model';
import { engineCall } from './engine-port';
import type { ConversationId } from '../../shared/ids';

/** Polls a profile's conversation with `peerId` (through the engine) until a message matches, and returns it. */
export async function waitForMessage(
  page: Page,
  peerId: ConversationId,
  check: (message: ChatMessage) => boolean,
  timeoutMs = 30_000,
): Promise<ChatMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await engineCall(page, 'openConversation', { peerId });
    const found = messages.find(check);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`waitForMessage: not among ${JSON.stringify(messages.map((message) => message.text))}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
