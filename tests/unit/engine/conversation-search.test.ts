import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { searchConversation } from '../../../extension/lib/engine/conversation-search';
import type { Conversations } from '../../../extension/lib/engine/conversations';
import { preview } from '../../../extension/lib/engine/quotes';
import { MAX_QUOTE_LENGTH } from '../../../shared/limits';
import type { ChatMessage } from '../../../extension/lib/model';

const peerId = randomId();
const message = (text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: randomId(),
  peerId,
  direction: 'in',
  text,
  sentAt: 1,
  status: 'read',
  ...extra,
});

/** A conversation of these messages (oldest first), scanned as Conversations.scan does: newest first. */
const held = (messages: readonly ChatMessage[]): Pick<Conversations, 'scan'> => ({
  scan: async (_peerId, visit) => {
    for (const message of [...messages].reverse()) if (!visit(message)) return;
  },
});

describe('search in a conversation', () => {
  it('matches any case, newest first, up to the limit, and skips tombstones', async () => {
    const history = held([
      message('Straße'),
      message('STRASSE'),
      message('strasse'),
      message('', { deleted: { at: 2, forEveryone: true } }),
      message('ÉTÉ à Paris'),
    ]);
    const texts = async (query: string, limit: number): Promise<string[]> =>
      (await searchConversation(history, peerId, query, limit)).map((found) => found.text);
    expect(await texts('STRASSE', 10)).toEqual(['strasse', 'STRASSE']);
    expect(await texts('été', 10)).toEqual(['ÉTÉ à Paris']);
    expect(await texts('strasse', 1)).toEqual(['strasse']);
    expect(await texts('nowhere', 10)).toEqual([]);
  });
});

describe('reply previews', () => {
  it('keeps MAX_QUOTE_LENGTH characters at most, never half a surrogate pair', () => {
    expect(preview('short')).toBe('short');
    const long = `${'a'.repeat(MAX_QUOTE_LENGTH - 1)}😀 and more`;
    expect(preview(long)).toBe('a'.repeat(MAX_QUOTE_LENGTH - 1));
    expect(preview('b'.repeat(MAX_QUOTE_LENGTH + 5))).toHaveLength(MAX_QUOTE_LENGTH);
  });
});
