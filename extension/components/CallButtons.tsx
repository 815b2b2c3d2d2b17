import { useEffect, useState } from 'preact/hooks';
import * as v from 'valibot';
import { UserIdSchema, type ConversationId } from '../../shared/ids';
import { openCallWindow } from '../lib/calls/call-window';
import type { CallView } from '../lib/messaging/call-protocol';
import type { EngineClient } from '../lib/messaging/client';
import { Icon } from './Icon';
import { errorMessage } from '../lib/errors';
import { t } from '../lib/i18n';
import type { MediaKind } from '../../shared/protocol/media-kind';

interface Props {
  readonly client: EngineClient;
  /** The conversation: a contact's (calls are one to one; a room shows no buttons). */
  readonly conversation: ConversationId;
}

const LIVE = new Set<CallView['state']>(['ringing', 'connecting', 'active']);

/**
 * Voice and video call buttons for a conversation's header. A call runs in a window of its own (the popup closes
 * when it loses focus): the buttons open it, and it rings the contact. Disabled while a call is going on.
 */
export function CallButtons({ client, conversation }: Props) {
  const [live, setLive] = useState<readonly CallView[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stopped = false;
    const track = (view: CallView): void =>
      setLive((known) =>
        [...known.filter((call) => call.callId !== view.callId), view].filter((call) => LIVE.has(call.state)),
      );
    const off = client.on('call', track);
    client
      .request('listCalls', {})
      .then((calls) => {
        if (!stopped) setLive(calls.filter((call) => LIVE.has(call.state)));
      })
      .catch((reason: unknown) => setError(errorMessage(reason)));
    return () => {
      stopped = true;
      off();
    };
  }, [client]);

  if (!v.is(UserIdSchema, conversation)) return null;
  const busy = live.length > 0;
  const call = (media: MediaKind): void => {
    setError(undefined);
    openCallWindow({ peer: conversation, media }).catch((reason: unknown) =>
      setError(t('callWindowNotOpen', [errorMessage(reason)])),
    );
  };
  const title = busy ? t('inACall') : undefined;
  return (
    <span class="call-buttons">
      <button
        type="button"
        class="icon-button"
        data-testid="call-voice"
        aria-label={t('voiceCall')}
        title={title ?? t('voiceCall')}
        disabled={busy}
        onClick={() => call('audio')}
      >
        <Icon name="phone" />
      </button>
      <button
        type="button"
        class="icon-button"
        data-testid="call-video"
        aria-label={t('videoCall')}
        title={title ?? t('videoCall')}
        disabled={busy}
        onClick={() => call('video')}
      >
        <Icon name="video" />
      </button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
