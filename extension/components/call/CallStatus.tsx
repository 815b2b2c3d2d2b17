import { useEffect, useState } from 'preact/hooks';
import type { CallView } from '../../lib/messaging/call-protocol';
import { formatDuration } from '../../lib/engine/calls/call-log';

const mediaWord = (view: CallView): string => (view.media === 'video' ? 'Video' : 'Voice');

/** What the call is doing, in words (names as text, never markup). */
export function callStatusText(view: CallView, now: number): string {
  const name = view.peerName;
  switch (view.state) {
    case 'ringing':
      return view.direction === 'out'
        ? `Calling ${name}…`
        : `${name} is calling you (${mediaWord(view).toLowerCase()} call)`;
    case 'connecting':
      return `Connecting to ${name} securely…`;
    case 'active':
      return `In call with ${name} · ${formatDuration(now - (view.activeAt ?? now))}`;
    case 'ended':
      switch (view.outcome) {
        case 'declined':
          return view.direction === 'out' ? `${name} declined the call` : 'You declined the call';
        case 'busy':
          return `${name} is in another call`;
        case 'missed':
          return view.direction === 'out' ? `${name} did not answer` : `Missed call from ${name}`;
        case 'cancelled':
          return 'Call cancelled';
        case 'failed':
          return 'The call could not connect';
        default:
          return `Call ended · ${formatDuration(Date.now() - (view.activeAt ?? Date.now()))}`;
      }
  }
}

/** The status line (live: a screen reader announces each change), with the duration ticking while in a call. */
export function CallStatus({ view }: { readonly view: CallView }) {
  const [now, setNow] = useState(Date.now());
  const [endedAt] = useState(() => Date.now());
  useEffect(() => {
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
