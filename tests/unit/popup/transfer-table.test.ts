import { describe, expect, it } from 'vitest';
import {
  applyTransfer,
  EMPTY_TABLE,
  mergeListed,
  transfersIn,
  transfersOf,
} from '../../../extension/hooks/transfer-table';
import { roomTransfers, transferOf } from './transfer-views';

describe('the transfer table', () => {
  it('keeps one transfer per message and peer: an event replaces the one it updates', () => {
    const offer = transferOf();
    let table = applyTransfer(EMPTY_TABLE, offer);
    table = applyTransfer(table, { ...offer, state: 'active', bytes: 5 });
    expect(transfersOf(table, offer.messageId)).toEqual([{ ...offer, state: 'active', bytes: 5 }]);
  });

  it("keeps a room file's members apart, and leaves other messages' maps as they were", () => {
    const [ann, bob] = roomTransfers({ state: 'offered' }, { state: 'offered' });
    const other = transferOf();
    let table = applyTransfer(applyTransfer(EMPTY_TABLE, other), ann);
    const otherBefore = table.get(other.messageId);
    table = applyTransfer(table, bob);
    expect(transfersOf(table, ann.messageId).map((view) => view.peer)).toEqual([ann.peer, bob.peer]);
    // Unchanged, by identity: a card of that message has nothing to re-render.
    expect(table.get(other.messageId)).toBe(otherBefore);
  });

  it('takes in the engine list, but an event that came before it wins over the listed copy', () => {
    const moving = transferOf({ state: 'active', bytes: 100 });
    const listedOnly = transferOf({ state: 'done' });
    const table = mergeListed(applyTransfer(EMPTY_TABLE, { ...moving, bytes: 900 }), [moving, listedOnly]);
    expect(transfersOf(table, moving.messageId)).toEqual([{ ...moving, bytes: 900 }]);
    expect(transfersOf(table, listedOnly.messageId)).toEqual([listedOnly]);
  });

  it('finds the transfers in the states asked for', () => {
    const views = [
      transferOf({ state: 'active' }),
      transferOf({ state: 'done' }),
      ...roomTransfers({ state: 'paused' }, { state: 'declined' }),
    ];
    const table = views.reduce(applyTransfer, EMPTY_TABLE);
    expect(transfersIn(table, new Set(['active', 'paused'])).map((view) => view.state)).toEqual([
      'active',
      'paused',
    ]);
    expect(transfersOf(table, 'f'.repeat(32))).toEqual([]);
  });
});
