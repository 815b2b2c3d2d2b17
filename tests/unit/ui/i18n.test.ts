import { describe, expect, it, vi } from 'vitest';

// The browser's strings: German for two keys, none for the rest (as Chromium sometimes answers every one).
const getMessage = vi.fn((key: string, words: string[] = []): string =>
  key === 'starting' ? 'Startet…' : key === 'noticeSenderInRoom' ? `${words[0]} in ${words[1]}` : '',
);
vi.mock('wxt/browser', () => ({ browser: { i18n: { getMessage } } }));
const { t } = await import('../../../extension/lib/i18n');

describe('t', () => {
  it('asks the browser once for a key without words, each time for one with words', () => {
    expect([t('starting'), t('starting'), t('starting')]).toEqual(['Startet…', 'Startet…', 'Startet…']);
    expect(getMessage.mock.calls.filter(([key]) => key === 'starting')).toHaveLength(1);
    expect(t('noticeSenderInRoom', ['Carol', 'Hikers'])).toBe('Carol in Hikers');
    expect(t('noticeSenderInRoom', ['Bob', 'Hikers'])).toBe('Bob in Hikers');
    expect(getMessage.mock.calls.filter(([key]) => key === 'noticeSenderInRoom')).toHaveLength(2);
  });

  it('words English where the browser gives nothing', () => {
    expect(t('optionsSaved')).toBe('Settings saved');
  });
});
