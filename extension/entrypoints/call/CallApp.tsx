import { useEffect, useRef, useState } from 'preact/hooks';
import { CallControls } from '../../components/call/CallControls';
import { CallStatus } from '../../components/call/CallStatus';
import { DevicePicker } from '../../components/call/DevicePicker';
import { useEngine } from '../../hooks/useEngine';
import { createCallController, type CallController, type CallUi } from '../../lib/calls/call-controller';
import type { CallWindowParams } from '../../lib/calls/call-window';
import { canChooseSpeaker } from '../../lib/calls/devices';
import type { EngineClient } from '../../lib/messaging/client';
import { errorMessage } from '../../lib/errors';
import { t } from '../../lib/i18n';

/**
 * The name under which the window publishes its call's received-media figures, for end-to-end tests (headless
 * browsers render no video a test can look at): `await globalThis[CALL_TEST_GLOBAL].stats()`.
 */
export const CALL_TEST_GLOBAL = '__messengerCall';

interface Props {
  readonly params: CallWindowParams | undefined;
}

/** The call window: one call, from ringing to its end; the window closes itself only when the user says so. */
export function CallApp({ params }: Props) {
  const engine = useEngine();
  if (!params)
    return (
      <main class="call">
        <h1 class="visually-hidden">{t('callTitle')}</h1>
        <p class="error" role="alert">
          {t('callNoCall')}
        </p>
      </main>
    );
  if (engine.phase !== 'ready')
    return (
      <main class="call">
        <h1 class="visually-hidden">{t('callTitle')}</h1>
        <p class="loading" role="status">
          {engine.error ?? t('starting')}
        </p>
      </main>
    );
  return <CallScreen client={engine.client} params={params} />;
}

function CallScreen({
  client,
  params,
}: {
  readonly client: EngineClient;
  readonly params: CallWindowParams;
}) {
  const [ui, setUi] = useState<CallUi>();
  const [failure, setFailure] = useState<string>();
  const controller = useRef<CallController | undefined>(undefined);
  const remote = useRef<HTMLVideoElement>(null);
  const local = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const created = createCallController(client, params, setUi);
    controller.current = created;
    (globalThis as Record<string, unknown>)[CALL_TEST_GLOBAL] = { stats: () => created.stats() };
    return () => created.dispose();
  }, [client, params]);

  useEffect(() => {
    if (remote.current && remote.current.srcObject !== (ui?.remoteStream ?? null))
      remote.current.srcObject = ui?.remoteStream ?? null;
    if (local.current && local.current.srcObject !== (ui?.localStream ?? null))
      local.current.srcObject = ui?.localStream ?? null;
  }, [ui?.remoteStream, ui?.localStream]);

  useEffect(() => {
    const speaker = ui?.chosen.speaker;
    const element = remote.current;
    // Not every browser has it (Firefox only behind a setting): canChooseSpeaker hides the choice there.
    if (speaker && element && canChooseSpeaker(element))
      element.setSinkId(speaker).catch((error: unknown) => setFailure(t('speakerNotUsed', [String(error)])));
  }, [ui?.chosen.speaker]);

  const run = (action: () => Promise<void> | void): void => {
    setFailure(undefined);
    Promise.resolve()
      .then(action)
      .catch((error: unknown) => setFailure(errorMessage(error)));
  };

  if (!ui || ui.phase === 'loading')
    return (
      <main class="call">
        <h1 class="visually-hidden">{t('callTitle')}</h1>
        <p class="loading" role="status">
          {t('startingCall')}
        </p>
      </main>
    );
  if (ui.phase === 'gone' || !ui.view)
    return (
      <main class="call">
        <h1 class="visually-hidden">{t('callTitle')}</h1>
        <p class="error" role="alert" data-testid="call-gone">
          {ui.problem ?? t('callOver')}
        </p>
        <button type="button" onClick={() => window.close()}>
          {t('closeWindow')}
        </button>
      </main>
    );
  const current = controller.current;
  const view = ui.view;
  const video = view.media === 'video';
  return (
    <main class={`call ${video ? 'video' : 'voice'}`}>
      <h1>{view.peerName}</h1>
      <CallStatus view={view} />
      <div class="call-media" hidden={!video && view.state !== 'active'}>
        <video
          ref={remote}
          class="remote"
          data-testid="remote-video"
          aria-label={t('peerVideo', [view.peerName])}
          autoplay
          playsInline
          hidden={!video}
        />
        {video && (
          <video
            ref={local}
            class="local"
            data-testid="local-video"
            aria-label={t('yourCamera')}
            autoplay
            playsInline
            muted
          />
        )}
      </div>
      {ui.problem && (
        <div class="error" role="alert" data-testid="call-problem">
          <p>{ui.problem}</p>
          {view.state !== 'ended' && current && (
            <button type="button" onClick={() => run(current.retryMedia)}>
              {t('tryAgain')}
            </button>
          )}
        </div>
      )}
      {failure && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      {current && <CallControls ui={ui} controller={current} run={run} />}
      {current && view.state !== 'ended' && (
        <DevicePicker
          ui={ui}
          speakerChoosable={canChooseSpeaker(remote.current)}
          choose={(kind, id) => run(() => current.chooseDevice(kind, id))}
        />
      )}
      {view.state === 'ended' && (
        <button type="button" data-testid="call-close" onClick={() => window.close()}>
          {t('closeWindow')}
        </button>
      )}
    </main>
  );
}
