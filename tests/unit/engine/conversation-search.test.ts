import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { search } from '../../../extension/lib/engine/conversation-api';
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

describe('search in a conversation', () => {
  it('matches any case, newest first, up to the limit, and skips tombstones', () => {
    const history = [
      message('Straße'),
      message('STRASSE'),
      message('strasse'),
      message('', { deleted: { at: 2, forEveryone: true } }),
      message('ÉTÉ à Paris'),
    ];
    expect(search(history, 'STRASSE', 10).map((found) => found.text)).toEqual(['strasse', 'STRASSE']);
    expect(search(history, 'été', 10).map((found) => found.text)).toEqual(['ÉTÉ à Paris']);
    expect(search(history, 'strasse', 1).map((found) => found.text)).toEqual(['strasse']);
    expect(search(history, 'nowhere', 10)).toEqual([]);
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
