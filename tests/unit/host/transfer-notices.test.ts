import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import type { EngineListener } from '../../../extension/lib/engine/view';
import type { EngineState, TransferView } from '../../../extension/lib/messaging/protocol';
import { NoticeSchema, watchTransferNotices } from '../../../extension/lib/host/transfer-notices';
import { worded } from '../../../extension/lib/host/notice-words';
import * as v from 'valibot';

const bob = randomId();

function transfer(state: TransferView['state'], direction: TransferView['direction'] = 'in'): TransferView {
  return {
    messageId: 'm1',
    conversation: bob,
    peer: bob,
    direction,
    file: { name: '<b>cat</b>.png', size: 3 * 1024 * 1024, type: 'image/png' },
    state,
    bytes: 0,
    ...(state === 'done' ? { savedAs: '_b_cat_b_.png' } : {}),
    ...(state === 'failed' ? { error: 'chunk 3 does not open' } : {}),
  };
}

/**
 * Watches a fake engine and returns what it showed after `events`, worded as the background words it (each one
 * passes the schema the background checks Chrome's requests with).
 */
function shown(events: [string, unknown][]): { title: string; message: string }[] {
  let listener: EngineListener | undefined;
  const notices: { title: string; message: string }[] = [];
  watchTransferNotices(
    {
      subscribe: (added) => {
        listener = added;
        return () => undefined;
      },
    },
    (notice) => {
      expect(v.is(NoticeSchema, { type: 'transfer-notice:show', ...notice })).toBe(true);
      notices.push({ title: worded(notice.title), message: worded(notice.message) });
    },
  );
  for (const [name, data] of events) (listener as (name: string, data: unknown) => void)(name, data);
  return notices;
}

const state = { contacts: [{ userId: bob, name: 'Bob', alias: 'Bobby' }] } as unknown as EngineState;

describe('transfer notices', () => {
  it('notifies an offer waiting for a decision once, then the file saved, by the contact’s shown name', () => {
    const notices = shown([
      ['state', state],
      ['transfer', transfer('offered')],
      ['transfer', transfer('offered')],
      ['transfer', transfer('accepted')],
      ['transfer', { ...transfer('active'), bytes: 10 }],
      ['transfer', transfer('done')],
    ]);
    expect(notices.map((notice) => notice.title)).toEqual(['Bobby sends you a file', 'File received']);
    // Names go as plain text (notifications render none of it as markup).
    expect(notices[0]?.message).toBe('<b>cat</b>.png (3.0 MB): open the conversation to accept it');
    expect(notices[1]?.message).toContain('as _b_cat_b_.png');
  });

  it('notifies a failure and a delivered file, and nothing for a transfer seen first already moving', () => {
    expect(shown([['transfer', transfer('active')]])).toEqual([]);
    expect(shown([['transfer', transfer('failed')]]).map((notice) => notice.message)).toEqual([
      '<b>cat</b>.png: chunk 3 does not open',
    ]);
    expect(shown([['transfer', transfer('done', 'out')]]).map((notice) => notice.title)).toEqual([
      'File delivered',
    ]);
  });
});
