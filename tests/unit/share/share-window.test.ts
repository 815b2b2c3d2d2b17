import { describe, expect, it } from 'vitest';
import type { PendingShare } from '../../../extension/lib/share/pending-share';
import { parseShareWindowQuery, shareWindowQuery } from '../../../extension/lib/share/share-window';

const BOB = 'b'.repeat(32);

describe('the share window’s address', () => {
  it('carries a target, a share and an error there and back', () => {
    const shares: PendingShare[] = [
      { kind: 'link', url: 'https://example.com/a?b=c&d=e#f', text: 'Read & more' },
      { kind: 'selection', url: 'https://example.org/', text: 'line one\nline two' },
      { kind: 'page', url: 'https://example.org/' },
      { kind: 'media', src: 'https://cdn.example.net/cat.png', url: 'https://example.org/' },
      { kind: 'media', src: 'data:image/png;base64,AAAA' },
    ];
    for (const share of shares) {
      const query = shareWindowQuery({ to: BOB, share, error: 'Not sent: offline' });
      expect(parseShareWindowQuery(query)).toEqual({ to: BOB, share, error: 'Not sent: offline' });
    }
    expect(shareWindowQuery({})).toBe('');
    expect(parseShareWindowQuery('')).toEqual({});
  });

  it('says the window was opened wrongly rather than share something else than was asked', () => {
    const parsed = parseShareWindowQuery('?to=nobody&kind=link&url=javascript:alert(1)');
    expect(parsed.to).toBeUndefined();
    expect(parsed.share).toBeUndefined();
    expect(parsed.problem).toMatch(/conversation.*what to share is not valid \(url must be a web address/);
    expect(parseShareWindowQuery('?kind=bogus&url=https://example.com/').problem).toMatch(/not valid/);
  });
});
