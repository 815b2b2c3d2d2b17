import type { CallController, CallUi } from '../../lib/calls/call-controller';
import { t } from '../../lib/i18n';

interface Props {
  readonly ui: CallUi;
  readonly controller: CallController;
  /** Runs a control and shows its failure (an engine request can fail: the engine stopped, the call is over). */
  readonly run: (action: () => Promise<void> | void) => void;
}

/** Answer a ringing call, or mute, camera, screen and hang up during one. Every button has an accessible name. */
export function CallControls({ ui, controller, run }: Props) {
  const view = ui.view;
  if (!view || view.state === 'ended') return null;
  if (view.state === 'ringing' && view.direction === 'in')
    return (
      <div class="call-controls">
        <button
          type="button"
          class="primary"
          data-testid="call-accept"
          onClick={() => run(controller.accept)}
        >
          {t(view.media === 'video' ? 'acceptVideoCall' : 'acceptVoiceCall')}
        </button>
        <button
          type="button"
          class="danger"
          data-testid="call-decline"
          onClick={() => run(controller.decline)}
        >
          {t('decline')}
        </button>
      </div>
    );
  return (
    <div class="call-controls">
      <button
        type="button"
        data-testid="call-mute"
        aria-pressed={ui.muted}
        onClick={() => run(controller.toggleMute)}
      >
        {ui.muted ? t('unmute') : t('mute')}
      </button>
      {view.media === 'video' && (
        <>
          <button
            type="button"
            data-testid="call-camera"
            aria-pressed={ui.cameraOff}
            onClick={() => run(controller.toggleCamera)}
          >
            {ui.cameraOff ? t('cameraOn') : t('cameraOff')}
          </button>
          {'getDisplayMedia' in navigator.mediaDevices && (
            <button
              type="button"
              data-testid="call-share"
              aria-pressed={ui.sharingScreen}
              onClick={() => run(controller.shareScreen)}
            >
              {ui.sharingScreen ? t('stopSharing') : t('shareScreen')}
            </button>
          )}
        </>
      )}
      <button type="button" class="danger" data-testid="call-hangup" onClick={() => run(controller.hangUp)}>
        {view.state === 'ringing' ? t('cancelCall') : t('hangUp')}
      </button>
    </div>
  );
}
