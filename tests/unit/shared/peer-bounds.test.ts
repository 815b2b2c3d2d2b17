import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { MAX_TIMESTAMP_MS } from '../../../shared/limits';
import { ContentSchema } from '../../../shared/protocol/content';
import { ChatMessageSchema } from '../../../extension/lib/model';

/** Past the last date JavaScript can hold: formatting it throws. */
const HOSTILE_SENT_AT = 8_640_000_000_000_001;
const BAD_TIMES = [HOSTILE_SENT_AT, MAX_TIMESTAMP_MS + 1, -1, 1.5, Number.NaN, Infinity, '1'];

describe('times a peer sends', () => {
  it('a chat content is refused when its sentAt is past 2100, before 1970, or not an integer time', () => {
    const chat = (sentAt: unknown) => ({ v: 1, kind: 'chat', id: randomId(), text: 'hi', sentAt });
    for (const sentAt of BAD_TIMES)
      expect(v.safeParse(ContentSchema, chat(sentAt)).success, `sentAt ${String(sentAt)}`).toBe(false);
    expect(v.safeParse(ContentSchema, chat(Date.now())).success).toBe(true);
    expect(v.safeParse(ContentSchema, chat(MAX_TIMESTAMP_MS)).success).toBe(true);
  });

  it('a message in a backup is held to the same bounds', () => {
    const stored = (sentAt: unknown) => ({
      id: randomId(),
      peerId: randomId(),
      direction: 'in',
      text: 'hi',
      sentAt,
      status: 'delivered',
    });
    for (const sentAt of BAD_TIMES)
      expect(v.safeParse(ChatMessageSchema, stored(sentAt)).success).toBe(false);
    expect(v.safeParse(ChatMessageSchema, stored(Date.now())).success).toBe(true);
  });

  it('every bounded time can be shown', () => {
    expect(new Date(MAX_TIMESTAMP_MS).toISOString()).toBe('2100-01-01T00:00:00.000Z');
  });
});
