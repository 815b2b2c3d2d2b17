import { useEffect, useState } from 'preact/hooks';
import { openCallWindow } from '../lib/calls/call-window';
import type { CallView } from '../lib/messaging/call-protocol';
import type { EngineClient } from '../lib/messaging/client';
import { errorMessage } from '../lib/errors';
import { t } from '../lib/i18n';

interface Props {
  readonly client: EngineClient;
}

/**
 * Calls ringing now, for the popup's top: who calls, and a button that opens (or brings back) the call window to
 * answer there. The engine opens that window itself when a call comes; this is the way back to it once closed.
 */
export function IncomingCalls({ client }: Props) {
  const [ringing, setRinging] = useState<readonly CallView[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stopped = false;
    const isRinging = (call: CallView): boolean => call.direction === 'in' && call.state === 'ringing';
    const off = client.on('call', (view) =>
      setRinging((known) => [...known.filter((call) => call.callId !== view.callId), view].filter(isRinging)),
    );
    client
      .request('listCalls', {})
      .then((calls) => {
        if (!stopped) setRinging(calls.filter(isRinging));
      })
      .catch((reason: unknown) => setError(errorMessage(reason)));
    return () => {
      stopped = true;
      off();
    };
  }, [client]);

  if (ringing.length === 0 && !error) return null;
  return (
    <section class="incoming-calls" aria-label={t('incomingCalls')}>
      {ringing.map((call) => (
        <p key={call.callId} class="incoming-call" data-testid="incoming-call">
          <span>{t(call.media === 'video' ? 'callingYouVideo' : 'callingYouVoice', [call.peerName])}</span>{' '}
          <button
            type="button"
            class="primary small"
            onClick={() => {
              setError(undefined);
              openCallWindow({ call: call.callId }).catch((reason: unknown) =>
                setError(t('callWindowNotOpen', [errorMessage(reason)])),
              );
            }}
          >
            {t('answerEllipsis')}
          </button>
        </p>
      ))}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
