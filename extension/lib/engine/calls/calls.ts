/**
 * Voice and video calls, the engine's part: ringing and answering (sealed `call` contents between the two engines,
 * by the mailbox or the direct link like a file's answer), relaying the call window's media signaling over the PeerJS
 * socket (media-relay.ts), binding the media connection to both identities (binding.ts) before any media flows, and
 * the call's entry in the history (call-log.ts). The media connection itself lives in the call window.
 */
import { ErrorCode } from '../../../../shared/errors';
import { randomId, type UserId, type CallId } from '../../../../shared/ids';
import { CALL_BINDING_TIMEOUT_MS, CALL_RING_TIMEOUT_MS, MAX_CALLS_KEPT } from '../../../../shared/limits';
import {
  CALL_CONTENT_V,
  callIdOfConnection,
  type CallContent,
  type MediaFrame,
} from '../../../../shared/protocol/call';
import { EngineError } from '../../errors';
import type { CallSignal, CallView } from '../../messaging/call-protocol';
import type { MessageLog } from '../message-log';
import type { Profile } from '../profile';
import type { EngineListener } from '../view';
import { checkBinding, signBinding, type CallFingerprints, type SignedBinding } from './binding';
import { callEntry } from './call-log';
import { candidateBudget, frameOf, signalOf, type CandidateBudget } from './media-relay';
import type { MediaKind } from '../../../../shared/protocol/media-kind';

export interface CallsDeps {
  readonly current: () => Profile | undefined;
  readonly now: () => number;
  readonly log: MessageLog;
  readonly emit: EngineListener;
  /** Sends a media connection frame over the PeerJS socket; false while it is not open. */
  readonly sendMediaFrame: (peerId: UserId, frame: MediaFrame) => boolean;
  /** Opens the call window for an incoming call (the host's; none in tests). */
  readonly openWindow: (callId: CallId) => void;
  /** Tells the user a call is ringing, outside the window (a notification). */
  readonly notifyRinging?: (call: CallView) => void;
  readonly unread: (conversation: UserId) => number;
  readonly setUnread: (conversation: UserId, count: number) => void;
  readonly timers?: {
    set(run: () => void, ms: number): ReturnType<typeof setTimeout>;
    clear(timer: ReturnType<typeof setTimeout>): void;
  };
}

export interface Calls {
  start(opened: Profile, peerId: UserId, media: MediaKind): Promise<CallView>;
  get(callId: CallId): CallView | null;
  list(): readonly CallView[];
  answer(opened: Profile, callId: CallId, accept: boolean): Promise<CallView>;
  hangUp(opened: Profile, callId: CallId): Promise<CallView>;
  /** The window's description or candidate, for the other side. */
  sendSignal(callId: CallId, signal: CallSignal): void;
  /** The window's fingerprints, once both descriptions are set: signed and sent, then checked against theirs. */
  reportFingerprints(opened: Profile, callId: CallId, fingerprints: CallFingerprints): Promise<void>;
  /** A `call` content from `peerId` (inbound.ts). */
  received(opened: Profile, peerId: UserId, content: CallContent): Promise<void>;
  /** A media connection frame from `peerId` (the PeerJS socket). */
  mediaFrame(peerId: UserId, frame: MediaFrame): void;
  /** The profile locked or signed out: every call ends here (the other side's ends by its own timeouts). */
  stopAll(): void;
}

interface CallRecord {
  view: CallView;
  own?: CallFingerprints;
  theirs?: SignedBinding;
  timer?: ReturnType<typeof setTimeout>;
  readonly budget: CandidateBudget;
}

const LIVE = new Set<CallView['state']>(['ringing', 'connecting', 'active']);

/** The warning a call whose connection did not match the contact's keys ends with, naming them. */
export const mismatchWarning = (name: string): string =>
  `The call with ${name} was ended: its connection did not match ${name}'s keys. Someone may be intercepting it.`;

export function createCalls(deps: CallsDeps): Calls {
  const timers = deps.timers ?? {
    set: (run: () => void, ms: number) => setTimeout(run, ms),
    clear: (timer: ReturnType<typeof setTimeout>) => clearTimeout(timer),
  };
  const calls = new Map<CallId, CallRecord>();

  const nameOf = (opened: Profile, peerId: UserId): string => {
    const contact = opened.book.get(peerId);
    return contact?.alias ?? contact?.name ?? 'this contact';
  };
  const live = (): CallRecord | undefined => [...calls.values()].find((call) => LIVE.has(call.view.state));

  function update(record: CallRecord, change: Partial<CallView>): void {
    record.view = { ...record.view, ...change };
    deps.emit('call', record.view);
  }

  function keep(record: CallRecord): void {
    calls.set(record.view.callId, record);
    // Bounded: the oldest ended calls are forgotten first (a live one is never among many).
    for (const [callId, call] of calls) {
      if (calls.size <= MAX_CALLS_KEPT) break;
      if (!LIVE.has(call.view.state)) calls.delete(callId);
    }
    deps.emit('call', record.view);
  }

  function arm(record: CallRecord, ms: number, onTimeout: () => void): void {
    if (record.timer !== undefined) timers.clear(record.timer);
    record.timer = timers.set(() => {
      record.timer = undefined;
      onTimeout();
    }, ms);
  }

  /** Ends the call here and logs it in the conversation (once). */
  function end(
    opened: Profile | undefined,
    record: CallRecord,
    change: Pick<CallView, 'outcome' | 'warning'>,
  ): void {
    if (!LIVE.has(record.view.state)) return;
    if (record.timer !== undefined) timers.clear(record.timer);
    record.timer = undefined;
    update(record, { state: 'ended', ...change });
    if (!opened) return;
    const entry = callEntry(record.view, deps.now());
    void deps.log.record(opened.conversations, entry).catch((error: unknown) => {
      console.warn(`calls: could not log a call: ${String(error)}`);
    });
    if (entry.direction === 'in' && entry.call?.outcome === 'missed')
      deps.setUnread(entry.peerId, deps.unread(entry.peerId) + 1);
  }

  /** Sends a call's control to its contact; a failure is logged, and (for what must arrive) ends the call. */
  async function tell(opened: Profile, record: CallRecord, content: CallContent): Promise<boolean> {
    try {
      await opened.tell(record.view.peerId, content);
      return true;
    } catch (error) {
      console.warn(`calls: could not send "${content.action}" to ${record.view.peerId}: ${String(error)}`);
      return false;
    }
  }

  const control = <A extends CallContent['action']>(
    callId: CallId,
    action: A,
    rest: Omit<Extract<CallContent, { action: A }>, 'v' | 'kind' | 'callId' | 'action'>,
  ): CallContent => ({ v: CALL_CONTENT_V, kind: 'call', callId, action, ...rest }) as CallContent;

  function existing(callId: CallId): CallRecord {
    const record = calls.get(callId);
    if (!record) throw new EngineError(ErrorCode.NotFound, 'This call is over');
    return record;
  }

  /** Both bindings are in: media may flow if they verify; otherwise the call ends on both sides, with a warning. */
  async function checkBound(opened: Profile, record: CallRecord): Promise<void> {
    const { own, theirs, view } = record;
    if (!own || !theirs || view.state !== 'connecting') return;
    const contact = opened.book.get(view.peerId);
    const check = contact
      ? checkBinding({
          callId: view.callId,
          selfId: opened.selfId,
          peerId: view.peerId,
          peerSigningKey: contact.signingKey,
          own,
          theirs,
        })
      : { ok: false as const, reason: 'not a contact' };
    if (check.ok) {
      if (record.timer !== undefined) timers.clear(record.timer);
      record.timer = undefined;
      update(record, { state: 'active', activeAt: deps.now() });
      return;
    }
    console.warn(`calls: the call ${view.callId} did not bind: ${check.reason}`);
    end(opened, record, { outcome: 'failed', warning: mismatchWarning(nameOf(opened, view.peerId)) });
    await tell(opened, record, control(view.callId, 'mismatch', {}));
  }

  /** Accepted: the windows negotiate; the bindings must verify in time or the call fails. */
  function connecting(opened: Profile, record: CallRecord): void {
    update(record, { state: 'connecting' });
    arm(record, CALL_BINDING_TIMEOUT_MS, () => {
      end(deps.current(), record, {
        outcome: 'failed',
        warning: `The call with ${nameOf(opened, record.view.peerId)} could not connect.`,
      });
      void tell(opened, record, control(record.view.callId, 'hangup', {}));
    });
  }

  async function ring(opened: Profile, peerId: UserId, content: Extract<CallContent, { action: 'ring' }>) {
    if (calls.has(content.callId)) return;
    if (opened.book.get(peerId)?.state !== 'accepted') return;
    const record: CallRecord = {
      view: {
        callId: content.callId,
        peerId,
        peerName: nameOf(opened, peerId),
        direction: 'in',
        media: content.media,
        state: 'ringing',
        startedAt: deps.now(),
      },
      budget: candidateBudget(),
    };
    keep(record);
    // Came after the caller gave up (from the mailbox, after being offline): missed, and nothing rings.
    if (deps.now() - content.sentAt > CALL_RING_TIMEOUT_MS) return end(opened, record, { outcome: 'missed' });
    if (live() !== record) {
      end(opened, record, { outcome: 'busy' });
      await tell(opened, record, control(content.callId, 'busy', {}));
      return;
    }
    arm(record, CALL_RING_TIMEOUT_MS, () => end(deps.current(), record, { outcome: 'missed' }));
    deps.openWindow(content.callId);
    deps.notifyRinging?.(record.view);
  }

  return {
    async start(opened, peerId, media) {
      const contact = opened.book.get(peerId);
      if (contact?.state !== 'accepted')
        throw new EngineError(ErrorCode.InvalidPayload, 'Only a contact who accepted you can be called');
      if (live()) throw new EngineError(ErrorCode.InvalidPayload, 'You are already in a call: hang up first');
      const callId = randomId();
      const record: CallRecord = {
        view: {
          callId,
          peerId,
          peerName: nameOf(opened, peerId),
          direction: 'out',
          media,
          state: 'ringing',
          startedAt: deps.now(),
        },
        budget: candidateBudget(),
      };
      keep(record);
      arm(record, CALL_RING_TIMEOUT_MS, () => {
        end(deps.current(), record, { outcome: 'missed' });
        void tell(opened, record, control(callId, 'cancel', { missed: true }));
      });
      const rung = await tell(opened, record, control(callId, 'ring', { media, sentAt: deps.now() }));
      if (!rung)
        end(opened, record, { outcome: 'failed', warning: 'The call could not be placed: you are offline.' });
      return record.view;
    },
    get: (callId) => calls.get(callId)?.view ?? null,
    list: () => [...calls.values()].map((call) => call.view),
    async answer(opened, callId, accept) {
      const record = existing(callId);
      if (record.view.direction !== 'in' || record.view.state !== 'ringing') return record.view;
      if (!accept) {
        end(opened, record, { outcome: 'declined' });
        await tell(opened, record, control(callId, 'decline', {}));
        return record.view;
      }
      connecting(opened, record);
      if (!(await tell(opened, record, control(callId, 'accept', {}))))
        end(opened, record, {
          outcome: 'failed',
          warning: 'The call could not be answered: you are offline.',
        });
      return record.view;
    },
    async hangUp(opened, callId) {
      const record = existing(callId);
      const { state, direction } = record.view;
      if (state === 'ringing' && direction === 'in') return this.answer(opened, callId, false);
      if (state === 'ringing') {
        end(opened, record, { outcome: 'cancelled' });
        await tell(opened, record, control(callId, 'cancel', { missed: false }));
      } else if (LIVE.has(state)) {
        end(opened, record, { outcome: 'ended' });
        await tell(opened, record, control(callId, 'hangup', {}));
      }
      return record.view;
    },
    sendSignal(callId, signal) {
      const record = existing(callId);
      if (record.view.state !== 'connecting' && record.view.state !== 'active') return;
      if (!record.budget.take('out', signal)) return;
      if (!deps.sendMediaFrame(record.view.peerId, frameOf(callId, signal)))
        console.warn('calls: the peer socket is not open; a call signal was not sent');
    },
    async reportFingerprints(opened, callId, fingerprints) {
      const record = existing(callId);
      if (record.view.state !== 'connecting' || record.own) return;
      record.own = fingerprints;
      const signed = signBinding(opened.keys, opened.selfId, record.view.peerId, callId, fingerprints);
      await tell(opened, record, control(callId, 'bind', signed));
      await checkBound(opened, record);
    },
    async received(opened, peerId, content) {
      if (content.action === 'ring') return ring(opened, peerId, content);
      const record = calls.get(content.callId);
      if (!record || record.view.peerId !== peerId) return;
      const { state, direction } = record.view;
      switch (content.action) {
        case 'accept':
          if (direction === 'out' && state === 'ringing') connecting(opened, record);
          return;
        case 'decline':
        case 'busy':
          if (direction === 'out' && state === 'ringing')
            end(opened, record, { outcome: content.action === 'busy' ? 'busy' : 'declined' });
          return;
        case 'cancel':
          if (direction === 'in' && state === 'ringing') end(opened, record, { outcome: 'missed' });
          return;
        case 'hangup':
          if (state === 'active' || state === 'connecting') end(opened, record, { outcome: 'ended' });
          return;
        case 'bind':
          if (state !== 'connecting' || record.theirs) return;
          record.theirs = { local: content.local, remote: content.remote, signature: content.signature };
          return checkBound(opened, record);
        case 'mismatch':
          return end(opened, record, { outcome: 'failed', warning: mismatchWarning(nameOf(opened, peerId)) });
      }
    },
    mediaFrame(peerId, frame) {
      const record = calls.get(callIdOfConnection(frame.payload.connectionId));
      if (!record || record.view.peerId !== peerId) return;
      if (record.view.state !== 'connecting' && record.view.state !== 'active') return;
      const signal = signalOf(frame);
      if (!record.budget.take('in', signal)) return;
      deps.emit('callSignal', { callId: record.view.callId, signal });
    },
    stopAll() {
      for (const record of calls.values()) end(undefined, record, { outcome: 'failed' });
      calls.clear();
    },
  };
}
