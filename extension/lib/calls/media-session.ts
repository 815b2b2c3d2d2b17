/**
 * The call window's media connection: a plain RTCPeerConnection, signaled through the engine (which relays each
 * description and candidate in PeerJS's frame format over its signaling socket). Not PeerJS's MediaConnection: the
 * window cannot hold a PeerJS Peer (peer ids are bound to the engine's signed-in session), and the binding needs the
 * transceivers negotiated with no track, so that nothing is sent until both identities are bound (`send`).
 */
import type { CallSignal } from '../messaging/call-protocol';
import { sdpFingerprint } from './sdp';
import { t } from '../i18n';
import type { MediaKind } from '../../../shared/protocol/media-kind';

/** What the window says while the connection is down and the caller's side restarts it. */
export const CONNECTION_DROPPED = t('connectionDropped');

export interface MediaSessionOptions {
  readonly media: MediaKind;
  readonly iceServers: readonly RTCIceServer[];
  /** Hands a description or candidate to the engine, for the other side. */
  readonly signal: (signal: CallSignal) => Promise<void>;
  /** Both descriptions are set: the fingerprints of ours and of theirs as it came. */
  readonly fingerprints: (local: string, remote: string) => Promise<void>;
  readonly onRemoteStream: (stream: MediaStream) => void;
  readonly onProblem: (message: string) => void;
  /** The connection is up (true), or lost for now (false: ICE failed; the caller tries to restart it). */
  readonly onConnected?: (connected: boolean) => void;
}

export interface ReceivedStats {
  /** Video frames decoded so far (0 for a voice call). */
  readonly framesDecoded: number;
  /** Audio energy received so far (grows while sound arrives; stays put while the other side is muted). */
  readonly audioEnergy: number;
  /** RTP packets received so far, by kind (every browser counts these; not every one counts energy). */
  readonly audioPackets: number;
  readonly videoPackets: number;
}

export interface MediaSession {
  /** The caller: negotiate (transceivers with no track yet) and send the offer. */
  offer(): Promise<void>;
  /** A description or candidate from the other side. */
  receive(signal: CallSignal): Promise<void>;
  /** Bound: from now on the local tracks are sent (and a track set later is sent at once). */
  send(): Promise<void>;
  /** Sets (or replaces) the track sent for its kind: a new device, a screen, or none. */
  setTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void>;
  stats(): Promise<ReceivedStats>;
  close(): void;
}

export function createMediaSession(options: MediaSessionOptions): MediaSession {
  const pc = new RTCPeerConnection({ iceServers: [...options.iceServers] });
  const tracks: Record<MediaKind, MediaStreamTrack | null> = { audio: null, video: null };
  const pendingCandidates: RTCIceCandidateInit[] = [];
  let remoteSdp: string | undefined;
  let sending = false;
  let reported = false;
  const remoteStream = new MediaStream();

  const kinds = (): MediaKind[] => (options.media === 'video' ? ['audio', 'video'] : ['audio']);
  const transceiverOf = (kind: MediaKind): RTCRtpTransceiver | undefined =>
    pc.getTransceivers().find((transceiver) => transceiver.receiver.track.kind === kind);

  pc.onicecandidate = (event) => {
    if (!event.candidate) return;
    const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = event.candidate.toJSON();
    void options
      .signal({
        kind: 'candidate',
        candidate: { candidate: candidate ?? '', sdpMid, sdpMLineIndex, usernameFragment },
      })
      .catch((error: unknown) => options.onProblem(t('connectionDetailNotSent', [String(error)])));
  };
  pc.ontrack = (event) => {
    remoteStream.addTrack(event.track);
    options.onRemoteStream(remoteStream);
  };
  // The network changed (or dropped) under the call: the caller restarts ICE, which negotiates again through the
  // engine. The DTLS certificates stay, so a new description must name the fingerprints already bound.
  let offering = false;
  let restarting = false;
  pc.oniceconnectionstatechange = () => {
    const state = pc.iceConnectionState;
    if (state === 'connected' || state === 'completed') options.onConnected?.(true);
    // Disconnected may heal by itself (the lost-connection timer starts); failed needs an ICE restart.
    if (state === 'disconnected') options.onConnected?.(false);
    if (state !== 'failed') return;
    options.onConnected?.(false);
    if (!offering) return options.onProblem(CONNECTION_DROPPED);
    restarting = true;
    pc.restartIce();
  };
  pc.onnegotiationneeded = () => {
    if (!restarting) return;
    restarting = false;
    void sendOffer().catch((error: unknown) => options.onProblem(t('couldNotReconnect', [String(error)])));
  };

  async function sendOffer(): Promise<void> {
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = pc.localDescription?.sdp ?? '';
    await options.signal({ kind: 'description', description: { type: 'offer', sdp } });
  }

  /** A description after the first (an ICE restart) must keep the other side's certificate. */
  function sameCertificate(sdp: string): boolean {
    if (remoteSdp === undefined || sdpFingerprint(sdp) === sdpFingerprint(remoteSdp)) return true;
    options.onProblem(t('keysChanged'));
    return false;
  }

  /** Once both descriptions are set: report the fingerprints (once), for the engine to bind. */
  async function report(): Promise<void> {
    if (reported || !pc.localDescription || remoteSdp === undefined) return;
    const local = sdpFingerprint(pc.localDescription.sdp);
    const remote = sdpFingerprint(remoteSdp);
    if (!local || !remote) return options.onProblem(t('noFingerprint'));
    reported = true;
    await options.fingerprints(local, remote);
  }

  async function setRemote(description: RTCSessionDescriptionInit & { sdp: string }): Promise<void> {
    await pc.setRemoteDescription(description);
    remoteSdp = description.sdp;
    for (const candidate of pendingCandidates.splice(0)) await pc.addIceCandidate(candidate);
  }

  return {
    async offer() {
      offering = true;
      for (const kind of kinds()) pc.addTransceiver(kind, { direction: 'sendrecv' });
      await sendOffer();
    },
    async receive(signal) {
      if (signal.kind === 'candidate') {
        if (remoteSdp === undefined) pendingCandidates.push(signal.candidate);
        else await pc.addIceCandidate(signal.candidate);
        return;
      }
      const { type, sdp } = signal.description;
      if (type === 'offer') {
        if (offering || !sameCertificate(sdp)) return;
        await setRemote({ type, sdp });
        // Ours to send on too, once bound (replaceTrack needs no new negotiation).
        for (const transceiver of pc.getTransceivers()) transceiver.direction = 'sendrecv';
        await pc.setLocalDescription(await pc.createAnswer());
        const answer = pc.localDescription?.sdp ?? '';
        await options.signal({ kind: 'description', description: { type: 'answer', sdp: answer } });
      } else {
        if (pc.signalingState !== 'have-local-offer' || !sameCertificate(sdp)) return;
        await setRemote({ type, sdp });
      }
      await report();
    },
    async send() {
      sending = true;
      for (const kind of kinds()) await transceiverOf(kind)?.sender.replaceTrack(tracks[kind]);
    },
    async setTrack(kind, track) {
      tracks[kind] = track;
      if (sending) await transceiverOf(kind)?.sender.replaceTrack(track);
    },
    async stats() {
      const stats = { framesDecoded: 0, audioEnergy: 0, audioPackets: 0, videoPackets: 0 };
      const count = (value: unknown): number => (typeof value === 'number' ? value : 0);
      (await pc.getStats()).forEach((entry: { type?: string; kind?: string } & Record<string, unknown>) => {
        if (entry.type !== 'inbound-rtp') return;
        if (entry.kind === 'video') {
          stats.framesDecoded += count(entry.framesDecoded);
          stats.videoPackets += count(entry.packetsReceived);
        } else if (entry.kind === 'audio') {
          stats.audioEnergy += count(entry.totalAudioEnergy);
          stats.audioPackets += count(entry.packetsReceived);
        }
      });
      return stats;
    },
    close() {
      pc.close();
    },
  };
}
