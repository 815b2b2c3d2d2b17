/**
 * Cameras, microphones and speakers for a call: asking for them, and saying what to do when the browser refuses
 * (a permission denied, a device missing or busy) in words the user can act on.
 */
import { errorMessage } from '../errors';
import { t } from '../i18n';
import type { MediaKind } from '../../../shared/protocol/media-kind';

export interface DeviceChoice {
  readonly microphone?: string;
  readonly camera?: string;
}

export interface DeviceLists {
  readonly microphones: readonly MediaDeviceInfo[];
  readonly cameras: readonly MediaDeviceInfo[];
  readonly speakers: readonly MediaDeviceInfo[];
}

/** What went wrong getting a camera or microphone, and how to fix it. */
export function explainMediaError(error: unknown, media: MediaKind): string {
  // Worded whole for each kind of call: "the microphone" and "the camera and microphone" decline differently.
  const video = media === 'video';
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return t(video ? 'mediaNotAllowedVideo' : 'mediaNotAllowedVoice');
    case 'NotFoundError':
    case 'OverconstrainedError':
      return t(video ? 'mediaNotFoundVideo' : 'mediaNotFoundVoice');
    case 'NotReadableError':
    case 'AbortError':
      return t(video ? 'mediaBusyVideo' : 'mediaBusyVoice');
    default:
      return t(video ? 'mediaFailedVideo' : 'mediaFailedVoice', [errorMessage(error)]);
  }
}

const exact = (deviceId: string | undefined): MediaTrackConstraints | boolean =>
  deviceId ? { deviceId: { exact: deviceId } } : true;

/** The local stream for a call: the microphone, and the camera for a video call. */
export function openLocalMedia(media: MediaKind, choice: DeviceChoice = {}): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: exact(choice.microphone),
    video: media === 'video' ? exact(choice.camera) : false,
  });
}

/** One kind's track from another device. */
export async function openDevice(kind: MediaKind, deviceId: string): Promise<MediaStreamTrack | undefined> {
  const stream = await navigator.mediaDevices.getUserMedia({ [kind]: { deviceId: { exact: deviceId } } });
  return stream.getTracks()[0];
}

export async function listDevices(): Promise<DeviceLists> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  const of = (kind: MediaDeviceKind) => devices.filter((device) => device.kind === kind && device.deviceId);
  return { microphones: of('audioinput'), cameras: of('videoinput'), speakers: of('audiooutput') };
}

/** Whether this browser can pick where a media element plays (Chrome; Firefox behind a setting). */
export const canChooseSpeaker = (element: HTMLMediaElement | null): boolean =>
  element !== null && 'setSinkId' in element;

export function stopStream(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
