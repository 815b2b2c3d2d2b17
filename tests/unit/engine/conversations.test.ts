import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { createConversations } from '../../../extension/lib/engine/conversations';
import type { ChatMessage } from '../../../extension/lib/messaging/protocol';

const peerId = randomId();
const message = (overrides: Partial<ChatMessage> = {}): ChatMessage => ({
  id: randomId(),
  peerId,
  direction: 'in',
  text: 'hi',
  sentAt: 1,
  status: 'sent',
  ...overrides,
});

describe('conversations', () => {
  it('keeps messages per contact in arrival order', () => {
    const conversations = createConversations();
    const first = message();
    const second = message({ direction: 'out' });
    const elsewhere = message({ peerId: randomId() });
    for (const m of [first, second, elsewhere]) expect(conversations.upsert(m)).toBe(true);
    expect(conversations.list(peerId)).toEqual([first, second]);
  });

  it('drops a repeated incoming id, even with other content', () => {
    const conversations = createConversations();
    const original = message();
    conversations.upsert(original);
    expect(conversations.upsert({ ...original, text: 'replaced?' })).toBe(false);
    expect(conversations.list(peerId)).toEqual([original]);
  });

  it('updates the status of an outgoing message in place', () => {
    const conversations = createConversations();
    const sending = message({ direction: 'out', status: 'sending' });
    conversations.upsert(sending);
    conversations.upsert(message());
    expect(conversations.upsert({ ...sending, status: 'sent' })).toBe(true);
    expect(conversations.list(peerId)[0]?.status).toBe('sent');
    expect(conversations.list(peerId)).toHaveLength(2);
  });

  it('does not let an incoming frame overwrite an outgoing message with the same id', () => {
    const conversations = createConversations();
    const mine = message({ direction: 'out' });
    conversations.upsert(mine);
    expect(conversations.upsert({ ...mine, direction: 'in', text: 'spoofed' })).toBe(false);
    expect(conversations.list(peerId)).toEqual([mine]);
  });
});
