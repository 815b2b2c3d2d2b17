import { describe, expect, it } from 'vitest';
import type { TransferView } from '../../../extension/lib/messaging/protocol';
import type { TransferState } from '../../../extension/lib/model';
import {
  actionsFor,
  progressText,
  roomProgress,
  roomSummary,
  transferStatus,
} from '../../../extension/components/transfer-text';
import { roomTransfers, transferOf } from './transfer-views';

describe('transferStatus: what a file card says of each state', () => {
  const say = (fields: Partial<TransferView>): string => transferStatus(transferOf(fields));

  it('asks the receiver to answer an offer, and tells the sender it waits', () => {
    expect(say({ state: 'offered', direction: 'in' })).toBe('Offered to you: accept to receive it');
    expect(say({ state: 'offered', direction: 'out' })).toBe('Waiting for an answer');
  });

  it('says an accepted file waits for a direct connection, and a paused one resumes with it', () => {
    expect(say({ state: 'accepted' })).toBe('Waiting for a direct connection…');
    expect(say({ state: 'paused' })).toBe('Paused: resumes when the connection is back');
  });

  it('gives an active transfer its percent, speed and time left', () => {
    expect(say({ state: 'active', bytes: 2_500_000, bytesPerSecond: 2_500_000 })).toBe(
      '25% · 2.5 MB/s · 3 s left',
    );
    expect(say({ state: 'active', bytes: 2_500_000 })).toBe('25%');
  });

  it('names where a received file was saved, and says a sent one was delivered', () => {
    expect(say({ state: 'done', direction: 'in', savedAs: 'report (1).pdf' })).toBe(
      'Saved as report (1).pdf',
    );
    expect(say({ state: 'done', direction: 'in', savedAs: 'a\u202efdp.exe' })).toBe(
      'Saved as a\ufffdfdp.exe',
    );
    expect(say({ state: 'done', direction: 'in' })).toBe('Saved');
    expect(say({ state: 'done', direction: 'out' })).toBe('Delivered');
  });

  it('gives the reason of a transfer that stopped', () => {
    expect(say({ state: 'declined' })).toBe('Declined');
    expect(say({ state: 'cancelled', error: 'Bob cancelled it' })).toBe('Cancelled: Bob cancelled it');
    expect(say({ state: 'failed', error: 'The file did not match its SHA-256' })).toBe(
      'Failed: The file did not match its SHA-256',
    );
    expect(say({ state: 'failed' })).toBe('Failed: no reason given');
  });
});

describe('actionsFor', () => {
  const actions = (state: TransferState, direction: 'in' | 'out') => actionsFor({ state, direction });

  it('offers Accept and Decline on an incoming offer, Cancel on one sent', () => {
    expect(actions('offered', 'in')).toEqual(['accept', 'decline']);
    expect(actions('offered', 'out')).toEqual(['cancel']);
  });

  it('offers Cancel, either way, while something may still move, and nothing after', () => {
    for (const direction of ['in', 'out'] as const) {
      for (const state of ['accepted', 'active', 'paused'] as const)
        expect(actions(state, direction)).toEqual(['cancel']);
      for (const state of ['done', 'declined', 'cancelled', 'failed'] as const)
        expect(actions(state, direction)).toEqual([]);
    }
  });
});

describe('progressText', () => {
  it('leaves out the time left while the speed is unknown or zero', () => {
    expect(progressText({ bytes: 0, size: 100, bytesPerSecond: 0 })).toBe('0% · 0.0 MB/s');
    expect(progressText({ bytes: 50, size: 100 })).toBe('50%');
  });
});

describe('a file sent to a room', () => {
  it('is summed up as how many of the members received it, then what the others are doing', () => {
    const views = roomTransfers(
      { state: 'done' },
      { state: 'active' },
      { state: 'declined' },
      { state: 'done' },
      { state: 'offered' },
    );
    expect(roomSummary(views)).toBe('2 of 5 received, 1 sending, 1 not answered, 1 declined');
    expect(roomSummary(roomTransfers({ state: 'done' }, { state: 'done' }))).toBe('2 of 2 received');
    expect(roomSummary(roomTransfers({ state: 'paused' }, { state: 'accepted' }, { state: 'failed' }))).toBe(
      '0 of 3 received, 1 paused, 1 waiting for a connection, 1 failed',
    );
  });

  it('shows the progress of the members receiving it now, taken together', () => {
    const views = roomTransfers(
      { state: 'active', bytes: 1_000_000, bytesPerSecond: 1_000_000 },
      { state: 'active', bytes: 3_000_000, bytesPerSecond: 2_000_000 },
      { state: 'done', bytes: 10_000_000 },
    );
    expect(roomProgress(views)).toEqual({ bytes: 4_000_000, size: 20_000_000, bytesPerSecond: 3_000_000 });
    expect(roomProgress(roomTransfers({ state: 'done' }, { state: 'paused' }))).toBeUndefined();
    expect(roomProgress(roomTransfers({ state: 'active' }))?.bytesPerSecond).toBeUndefined();
  });
});
