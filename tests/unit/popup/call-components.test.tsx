// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { CallButtons } from '../../../extension/components/CallButtons';
import { CallLogEntry } from '../../../extension/components/CallLogEntry';
import { IncomingCalls } from '../../../extension/components/IncomingCalls';
import { callDuration, callStatusText } from '../../../extension/components/call/CallStatus';
import { ringingNotice } from '../../../extension/lib/host/call-windows';
import { worded } from '../../../extension/lib/host/notice-words';
import { NoticeSchema } from '../../../extension/lib/host/transfer-notices';
import * as v from 'valibot';
import type { CallView } from '../../../extension/lib/messaging/call-protocol';
import type { ChatMessage } from '../../../extension/lib/model';
import { recordingClient } from './fake-client';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** An engine whose calls going on are `ongoing`. */
const fakeClient = (ongoing: readonly CallView[]) =>
  recordingClient({ listCalls: () => Promise.resolve(ongoing) }).client;

const view = (change: Partial<CallView> = {}): CallView => ({
  callId: randomId(),
  peerId: randomId(),
  peerName: '<b>Bob</b>',
  direction: 'out',
  media: 'video',
  state: 'ringing',
  startedAt: 0,
  ...change,
});

const entry = (call: ChatMessage['call'], direction: 'in' | 'out' = 'in'): ChatMessage => ({
  id: randomId(),
  peerId: randomId(),
  direction,
  text: 'call',
  sentAt: 1_700_000_000_000,
  status: 'read',
  ...(call ? { call } : {}),
});

afterEach(() => {
  document.body.innerHTML = '';
});

describe('CallLogEntry', () => {
  it('says how each call ended, with the duration of one that connected', () => {
    const host = document.createElement('div');
    document.body.append(host);
    render(<CallLogEntry message={entry({ callId: randomId(), media: 'video', outcome: 'missed' })} />, host);
    expect(host.textContent).toContain('Missed video call');
    render(
      <CallLogEntry
        message={entry({ callId: randomId(), media: 'audio', outcome: 'ended', durationMs: 65_000 }, 'out')}
      />,
      host,
    );
    expect(host.textContent).toContain('Voice call, 1:05');
    expect(host.querySelector('[data-testid="call-entry"]')?.getAttribute('data-outcome')).toBe('ended');
  });

  it('shows a warning as text, never as markup', () => {
    const host = document.createElement('div');
    const warning = 'The call with <img src=x> was ended';
    render(
      <CallLogEntry message={entry({ callId: randomId(), media: 'video', outcome: 'failed', warning })} />,
      host,
    );
    expect(host.textContent).toContain(warning);
    expect(host.querySelector('img')).toBeNull();
  });
});

describe('CallButtons', () => {
  it('offers a voice and a video call for a contact, disabled while a call goes on; nothing for a room', async () => {
    const host = document.createElement('div');
    render(<CallButtons client={fakeClient([])} conversation={randomId()} />, host);
    await settle();
    const buttons = [...host.querySelectorAll('button')];
    expect(buttons.map((button) => button.getAttribute('aria-label'))).toEqual(['Voice call', 'Video call']);
    expect(buttons.every((button) => !button.disabled)).toBe(true);

    render(<CallButtons client={fakeClient([view({ state: 'active' })])} conversation={randomId()} />, host);
    await settle();
    expect([...host.querySelectorAll('button')].every((button) => button.disabled)).toBe(true);

    render(<CallButtons client={fakeClient([])} conversation={`r${randomId()}`} />, host);
    await settle();
    expect(host.querySelectorAll('button')).toHaveLength(0);
  });
});

describe('the call window status line', () => {
  it('names the contact and says what the call is doing', () => {
    expect(callStatusText(view(), 0)).toBe('Calling <b>Bob</b>…');
    expect(callStatusText(view({ direction: 'in' }), 0)).toBe('<b>Bob</b> is calling you (video call)');
    expect(callStatusText(view({ state: 'active', activeAt: 0 }), 61_000)).toBe('In call with <b>Bob</b>');
    expect(callDuration(view({ state: 'active', activeAt: 0 }), 61_000)).toBe('1:01');
    expect(callStatusText(view({ state: 'ended', outcome: 'declined' }), 0)).toBe(
      '<b>Bob</b> declined the call',
    );
    expect(callStatusText(view({ state: 'ended', outcome: 'missed', direction: 'in' }), 0)).toBe(
      'Missed call from <b>Bob</b>',
    );
  });

  it('never counts below zero: the window’s clock may lag the moment the call became active', () => {
    expect(callDuration(view({ state: 'active', activeAt: 5_000 }), 4_000)).toBe('0:00');
  });
});

describe('the ringing notice', () => {
  it('goes to the background as words it accepts, and says who calls, how, and where to answer', () => {
    const notice = ringingNotice(view({ direction: 'in', media: 'audio' }));
    expect(v.is(NoticeSchema, { type: 'transfer-notice:show', ...notice })).toBe(true);
    expect(worded(notice.title)).toBe('<b>Bob</b> is calling you (voice call)');
    expect(worded(notice.message)).toBe('Answer it in the call window');
  });
  it('is refused by the background with a key it does not word for the engine', () => {
    const notice = ringingNotice(view());
    const forged = { type: 'transfer-notice:show', ...notice, title: { key: 'extName', words: [] } };
    expect(v.is(NoticeSchema, forged)).toBe(false);
  });
});

describe('IncomingCalls', () => {
  it('lists the calls ringing in, by name as text, each with a way to answer; nothing when none rings', async () => {
    const host = document.createElement('div');
    render(
      <IncomingCalls
        client={fakeClient([
          view({ direction: 'in' }),
          view({ direction: 'out' }),
          view({ direction: 'in', state: 'ended' }),
        ])}
      />,
      host,
    );
    await settle();
    const rows = host.querySelectorAll('[data-testid="incoming-call"]');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.textContent).toContain('<b>Bob</b> is calling you (video)');
    expect(rows[0]?.querySelector('button')?.textContent).toBe('Answer…');

    const empty = document.createElement('div');
    render(<IncomingCalls client={fakeClient([])} />, empty);
    await settle();
    expect(empty.textContent).toBe('');
  });
});
