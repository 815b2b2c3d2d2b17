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
      return t('callActive', [name]);
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
          return t('callEnded', [callDuration(view, now)]);
      }
  }
}

/** How long the call has lasted, `now`. */
export function callDuration(view: CallView, now: number): string {
  // Never below zero: this window's clock may lag the moment the engine marked the call active.
  return formatDuration(Math.max(0, now - (view.activeAt ?? now)));
}

/**
 * The status line (live: a screen reader announces each change), and the duration ticking while in a call beside
 * it, outside the live region (announced every second, it would drown everything else).
 */
export function CallStatus({ view }: { readonly view: CallView }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    // Read again at each change: the clock starts with the call (not with the window) and stops at its end.
    setNow(Date.now());
    if (view.state !== 'active') return undefined;
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
        {callStatusText(view, now)}
      </p>
      {view.state === 'active' && (
        <p class="call-duration" data-testid="call-duration">
          <time>{callDuration(view, now)}</time>
        </p>
      )}
      {view.warning && (
        <p class="error" role="alert" data-testid="call-warning">
          {view.warning}
        </p>
      )}
    </>
  );
}
