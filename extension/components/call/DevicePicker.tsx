import type { CallUi } from '../../lib/calls/call-controller';
import { t } from '../../lib/i18n';

type DeviceKind = 'microphone' | 'camera' | 'speaker';

interface Props {
  readonly ui: CallUi;
  readonly speakerChoosable: boolean;
  readonly choose: (kind: DeviceKind, deviceId: string) => void;
}

/** Microphone, camera (video calls) and speaker (where the browser lets a page choose it), before and during a call. */
export function DevicePicker({ ui, speakerChoosable, choose }: Props) {
  const devices = ui.devices;
  if (!devices) return null;
  const select = (kind: DeviceKind, label: string, list: readonly MediaDeviceInfo[]) =>
    list.length > 0 && (
      <label class="device">
        {label}
        <select
          data-testid={`call-${kind}-select`}
          value={ui.chosen[kind] ?? ''}
          onChange={(event) => choose(kind, event.currentTarget.value)}
        >
          {!ui.chosen[kind] && <option value="">{t('deviceDefault')}</option>}
          {list.map((device, index) => (
            <option key={device.deviceId} value={device.deviceId}>
              {device.label || t('deviceNumbered', [label, String(index + 1)])}
            </option>
          ))}
        </select>
      </label>
    );
  return (
    <fieldset class="devices">
      <legend>{t('devices')}</legend>
      {select('microphone', t('microphone'), devices.microphones)}
      {ui.view?.media === 'video' && select('camera', t('camera'), devices.cameras)}
      {speakerChoosable && select('speaker', t('speaker'), devices.speakers)}
    </fieldset>
  );
}
