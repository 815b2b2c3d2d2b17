import { useEffect, useState } from 'preact/hooks';
import type { CallView } from '../../lib/messaging/call-protocol';
import { formatDuration } from '../../lib/engine/calls/call-log';
import { t } from '../../lib/i18n';

/** What the call is doing, in words (names as text, never markup). */
export function callStatusText(view: CallView, now: number): string {
  const name = view.peerName;
  switch (view.state) {
    case 'ringing':
      if (view.direction === 'out') return t('callCalling', [name]);
      return t(view.media === 'video' ? 'callIncomingVideo' : 'callIncomingVoice', [name]);
    case 'connecting':
      return t('callConnecting', [name]);
    case 'active':
      // Never below zero: this window's clock may lag the moment the engine marked the call active.
      return t('callActive', [name, formatDuration(Math.max(0, now - (view.activeAt ?? now)))]);
    case 'ended':
      switch (view.outcome) {
        case 'declined':
          return view.direction === 'out' ? t('callTheyDeclined', [name]) : t('callYouDeclined');
        case 'busy':
          return t('callBusy', [name]);
        case 'missed':
          return t(view.direction === 'out' ? 'callNoAnswer' : 'callMissedFrom', [name]);
        case 'cancelled':
          return t('callCancelled');
        case 'failed':
          return t('callNotConnected');
        default:
          return t('callEnded', [formatDuration(Date.now() - (view.activeAt ?? Date.now()))]);
      }
  }
}

/** The status line (live: a screen reader announces each change), with the duration ticking while in a call. */
export function CallStatus({ view }: { readonly view: CallView }) {
  const [now, setNow] = useState(Date.now());
  const [endedAt] = useState(() => Date.now());
  useEffect(() => {
    if (view.state !== 'active') return undefined;
    setNow(Date.now()); // the clock starts with the call, not with the window
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [view.state]);
  return (
    <>
      <p
        class="call-status"
        role="status"
        data-testid="call-status"
        data-state={view.state}
        data-outcome={view.outcome}
      >
        {callStatusText(view, view.state === 'ended' ? endedAt : now)}
      </p>
      {view.warning && (
        <p class="error" role="alert" data-testid="call-warning">
          {view.warning}
        </p>
      )}
    </>
  );
}
