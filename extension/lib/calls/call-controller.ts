/**
 * What the call window does, apart from how it looks: follows the engine's view of its call, holds the local media
 * and the media connection (media-session.ts), and turns the user's buttons into engine requests. The window's
 * Preact tree only renders `CallUi` and calls these methods.
 */
import { CALL_CONNECTION_LOST_MS, CALL_REFRESH_INTERVAL_MS } from '../../../shared/limits';
import type { CallView } from '../messaging/call-protocol';
import type { EngineClient } from '../messaging/client';
import type { CallWindowParams } from './call-window';
import {
  explainMediaError,
  listDevices,
  openDevice,
  openLocalMedia,
  stopStream,
  type DeviceLists,
} from './devices';
import {
  CONNECTION_DROPPED,
  createMediaSession,
  type MediaSession,
  type ReceivedStats,
} from './media-session';
import { errorMessage } from '../errors';
import { t } from '../i18n';
import type { CallId } from '../../../shared/ids';
import type { MediaKind } from '../../../shared/protocol/media-kind';

export interface CallUi {
  /** loading: asking the engine; gone: no such call (it is over and forgotten). */
  readonly phase: 'loading' | 'ready' | 'gone';
  readonly view?: CallView;
  readonly localStream?: MediaStream;
  readonly remoteStream?: MediaStream;
  readonly muted: boolean;
  readonly cameraOff: boolean;
  readonly sharingScreen: boolean;
  /** A camera, microphone or connection problem, said so that the user can fix it. */
  readonly problem?: string;
  readonly devices?: DeviceLists;
  readonly chosen: { readonly microphone?: string; readonly camera?: string; readonly speaker?: string };
}

/** The window's controls, as functions (the buttons hold them unbound). */
export interface CallController {
  readonly accept: () => Promise<void>;
  readonly decline: () => Promise<void>;
  readonly hangUp: () => Promise<void>;
  readonly toggleMute: () => void;
  readonly toggleCamera: () => void;
  readonly shareScreen: () => Promise<void>;
  readonly chooseDevice: (kind: 'microphone' | 'camera' | 'speaker', deviceId: string) => Promise<void>;
  /** Asks for the camera and microphone again (after the user allowed them, or plugged one in). */
  readonly retryMedia: () => Promise<void>;
  readonly stats: () => Promise<ReceivedStats>;
  readonly dispose: () => void;
}

const LIVE = new Set<CallView['state']>(['ringing', 'connecting', 'active']);

export function createCallController(
  client: EngineClient,
  params: CallWindowParams,
  onChange: (ui: CallUi) => void,
): CallController {
  let ui: CallUi = { phase: 'loading', muted: false, cameraOff: false, sharingScreen: false, chosen: {} };
  let callId: CallId | undefined = 'call' in params ? params.call : undefined;
  let session: MediaSession | undefined;
  let sent = false;
  let screen: MediaStreamTrack | undefined;
  let iceServers: readonly RTCIceServer[] = [];
  const earlySignals: Parameters<MediaSession['receive']>[0][] = [];
  const set = (change: Partial<CallUi>): void => {
    ui = { ...ui, ...change };
    onChange(ui);
  };
  const problem = (message: string): void => set({ problem: message });
  const media = (): MediaKind => ui.view?.media ?? ('media' in params ? params.media : 'audio');
  const trackOf = (kind: MediaKind): MediaStreamTrack | null =>
    ui.localStream?.getTracks().find((track) => track.kind === kind) ?? null;

  async function openMedia(): Promise<void> {
    try {
      const stream = await openLocalMedia(media(), ui.chosen);
      stopStream(ui.localStream);
      for (const track of stream.getAudioTracks()) track.enabled = !ui.muted;
      for (const track of stream.getVideoTracks()) track.enabled = !ui.cameraOff;
      set({ localStream: stream, problem: undefined, devices: await listDevices() });
      await session?.setTrack('audio', trackOf('audio'));
      if (!screen) await session?.setTrack('video', trackOf('video'));
    } catch (error) {
      problem(explainMediaError(error, media()));
    }
  }

  function startSession(id: CallId): MediaSession {
    const created = createMediaSession({
      media: media(),
      iceServers,
      signal: async (signal) => {
        await client.request('sendCallSignal', { callId: id, signal });
      },
      fingerprints: async (local, remote) => {
        await client.request('reportCallFingerprints', { callId: id, local, remote });
      },
      onRemoteStream: (stream) => set({ remoteStream: stream }),
      onProblem: problem,
      onConnected: (connected) => watchConnection(id, connected),
    });
    void created.setTrack('audio', trackOf('audio'));
    void created.setTrack('video', screen ?? trackOf('video'));
    session = created;
    for (const signal of earlySignals.splice(0)) void receive(signal);
    return created;
  }

  /** A connection lost for good (the other side vanished, its engine locked) ends the call here. */
  let lostTimer: ReturnType<typeof setTimeout> | undefined;
  function watchConnection(id: CallId, connected: boolean): void {
    if (!connected && lostTimer !== undefined) return; // already counting since it was first lost
    clearTimeout(lostTimer);
    lostTimer = undefined;
    if (connected) return ui.problem === CONNECTION_DROPPED ? set({ problem: undefined }) : undefined;
    lostTimer = setTimeout(() => {
      problem(t('callConnectionLost'));
      void client.request('hangUp', { callId: id }).then(follow, () => undefined);
    }, CALL_CONNECTION_LOST_MS);
  }

  function receive(signal: Parameters<MediaSession['receive']>[0]): Promise<void> {
    if (!session) return Promise.resolve(void earlySignals.push(signal));
    return session
      .receive(signal)
      .catch((error: unknown) => problem(t('callConnectionFailed', [String(error)])));
  }

  function follow(view: CallView): void {
    set({ view, phase: 'ready' });
    // The caller's window offers once accepted; the callee's negotiates only in the window that accepted (accept).
    if (view.state === 'connecting' && !session && view.direction === 'out')
      void startSession(view.callId)
        .offer()
        .catch((error: unknown) => problem(t('callNotStarted', [String(error)])));
    if (view.state === 'active' && session && !sent) {
      sent = true;
      void session.send();
    }
    if (view.state === 'ended') end();
  }

  // While the call lives: asked again now and then (activity for auto-lock; a missed change caught up).
  const refresh = setInterval(() => {
    if (!callId || !ui.view || !LIVE.has(ui.view.state)) return;
    client.request('getCall', { callId }).then(
      (view) => view && follow(view),
      () => undefined, // the engine restarting or locked: its own events say so
    );
  }, CALL_REFRESH_INTERVAL_MS);

  function end(): void {
    clearInterval(refresh);
    clearTimeout(lostTimer);
    session?.close();
    stopStream(ui.localStream);
    screen?.stop();
    set({ remoteStream: undefined, sharingScreen: false });
  }

  const offCall = client.on('call', (view) => {
    if (view.callId === callId) follow(view);
  });
  const offSignal = client.on('callSignal', ({ callId: id, signal }) => {
    if (id === callId) void receive(signal);
  });
  const onUnload = (): void => {
    if (callId && ui.view && LIVE.has(ui.view.state)) void client.request('hangUp', { callId });
  };
  addEventListener('pagehide', onUnload);

  void (async () => {
    try {
      iceServers = (await client.request('getCallConfig', {})).iceServers;
      if ('peer' in params) {
        await openMedia();
        const view = await client.request('startCall', { peerId: params.peer, media: params.media });
        callId = view.callId;
        follow((await client.request('getCall', { callId })) ?? view);
      } else {
        const view = await client.request('getCall', { callId: params.call });
        if (!view) return set({ phase: 'gone' });
        follow(view);
      }
    } catch (error) {
      set({
        phase: ui.view ? 'ready' : 'gone',
        problem: errorMessage(error),
      });
    }
  })();

  return {
    accept: async () => {
      if (!callId) return;
      // The camera starts while the call is answered and bound: its tracks are set on the session when they come.
      const media = openMedia();
      startSession(callId);
      follow(await client.request('answerCall', { callId, accept: true }));
      await media;
    },
    decline: async () => {
      if (callId) follow(await client.request('answerCall', { callId, accept: false }));
    },
    hangUp: async () => {
      if (callId) follow(await client.request('hangUp', { callId }));
    },
    toggleMute: () => {
      const muted = !ui.muted;
      for (const track of ui.localStream?.getAudioTracks() ?? []) track.enabled = !muted;
      set({ muted });
    },
    toggleCamera: () => {
      const cameraOff = !ui.cameraOff;
      for (const track of ui.localStream?.getVideoTracks() ?? []) track.enabled = !cameraOff;
      set({ cameraOff });
    },
    shareScreen: async () => {
      if (screen) {
        screen.stop();
        screen = undefined;
        await session?.setTrack('video', trackOf('video'));
        return set({ sharingScreen: false });
      }
      try {
        const [track] = (await navigator.mediaDevices.getDisplayMedia({ video: true })).getVideoTracks();
        if (!track) return;
        screen = track;
        // The browser's own "Stop sharing" ends the track: back to the camera.
        track.addEventListener('ended', () => {
          if (screen !== track) return;
          screen = undefined;
          void session?.setTrack('video', trackOf('video'));
          set({ sharingScreen: false });
        });
        await session?.setTrack('video', track);
        set({ sharingScreen: true });
      } catch (error) {
        if (error instanceof DOMException && error.name === 'NotAllowedError') return; // the user chose nothing
        problem(t('screenNotShared', [String(error)]));
      }
    },
    chooseDevice: async (kind, deviceId) => {
      set({ chosen: { ...ui.chosen, [kind]: deviceId } });
      if (kind === 'speaker') return;
      const trackKind: MediaKind = kind === 'camera' ? 'video' : 'audio';
      try {
        const track = await openDevice(trackKind, deviceId);
        if (!track) return;
        const stream = ui.localStream ?? new MediaStream();
        for (const old of stream.getTracks().filter((known) => known.kind === trackKind)) {
          stream.removeTrack(old);
          old.stop();
        }
        track.enabled = trackKind === 'audio' ? !ui.muted : !ui.cameraOff;
        stream.addTrack(track);
        set({ localStream: stream });
        if (trackKind === 'audio' || !screen) await session?.setTrack(trackKind, track);
      } catch (error) {
        problem(explainMediaError(error, trackKind));
      }
    },
    retryMedia: openMedia,
    stats: () =>
      session?.stats() ??
      Promise.resolve({ framesDecoded: 0, audioEnergy: 0, audioPackets: 0, videoPackets: 0 }),
    dispose: () => {
      offCall();
      offSignal();
      removeEventListener('pagehide', onUnload);
      end();
    },
  };
}
