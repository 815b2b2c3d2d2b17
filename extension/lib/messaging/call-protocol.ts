/**
 * The calls' part of the page protocol (protocol.ts spreads it in): what the call window asks the engine, and what
 * the engine pushes to it. The window holds the media connection; the engine rings, relays its signaling over the
 * PeerJS socket and binds it to both identities (extension/lib/engine/calls/).
 */
import * as v from 'valibot';
import { UserIdSchema, type UserId, CallIdSchema, type CallId } from '../../../shared/ids';
import { FingerprintSchema, MediaCandidateSchema } from '../../../shared/protocol/call';
import { MAX_CALL_SDP_LENGTH } from '../../../shared/limits';
import type { CallInfo } from '../model';
import { MediaKindSchema, type MediaKind } from '../../../shared/protocol/media-kind';

/** What a call window hands the engine to relay, and what it gets back from the other side: PeerJS's frames' contents. */
export const CallSignalSchema = v.variant('kind', [
  v.strictObject({
    kind: v.literal('description'),
    description: v.strictObject({
      type: v.picklist(['offer', 'answer']),
      sdp: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CALL_SDP_LENGTH)),
    }),
  }),
  v.strictObject({ kind: v.literal('candidate'), candidate: MediaCandidateSchema }),
]);
export type CallSignal = v.InferOutput<typeof CallSignalSchema>;

export const callRequestSchemas = {
  /** What a call window's media connection needs: the STUN/TURN servers of this session (none by default). */
  getCallConfig: v.strictObject({}),
  /** Rings a contact (accepted, not blocked); the window that asks holds the call. */
  startCall: v.strictObject({ peerId: UserIdSchema, media: MediaKindSchema }),
  /** One call as it stands (null once forgotten). */
  getCall: v.strictObject({ callId: CallIdSchema }),
  /** Every call the engine keeps: ringing, connecting, active, and the last ones ended. */
  listCalls: v.strictObject({}),
  /** The callee accepts (then negotiates in its window) or declines a ringing call. */
  answerCall: v.strictObject({ callId: CallIdSchema, accept: v.boolean() }),
  /** Ends a call from this side: cancels a ring, declines one, or hangs up. */
  hangUp: v.strictObject({ callId: CallIdSchema }),
  /** A description or ICE candidate of the window's media connection, for the other side. */
  sendCallSignal: v.strictObject({ callId: CallIdSchema, signal: CallSignalSchema }),
  /**
   * Once both descriptions are set: the DTLS fingerprint of the window's own SDP and of the remote SDP as it came.
   * The engine signs both for the other side and checks theirs; no media is sent before both verify.
   */
  reportCallFingerprints: v.strictObject({
    callId: CallIdSchema,
    local: FingerprintSchema,
    remote: FingerprintSchema,
  }),
} as const;

/**
 * ringing: the caller waits for an answer, the callee is asked. connecting: accepted; the windows negotiate and
 * the engines bind the connection to both identities (no media flows). active: bound; media flows. ended.
 */
export type CallState = 'ringing' | 'connecting' | 'active' | 'ended';

export interface CallView {
  readonly callId: CallId;
  readonly peerId: UserId;
  /** The contact's name as this user sees it (alias, else their name): text, never markup. */
  readonly peerName: string;
  /** out: we called. */
  readonly direction: 'in' | 'out';
  readonly media: MediaKind;
  readonly state: CallState;
  /** When it started ringing here, and when it became active, ms since epoch (this engine's clock). */
  readonly startedAt: number;
  readonly activeAt?: number;
  /** Once ended: how (as the history logs it). */
  readonly outcome?: CallInfo['outcome'] | 'cancelled';
  /** Why it failed, or that its connection did not match the contact's keys (by name). */
  readonly warning?: string;
}

export interface CallResponses {
  getCallConfig: { readonly iceServers: readonly RTCIceServer[] };
  startCall: CallView;
  getCall: CallView | null;
  listCalls: readonly CallView[];
  answerCall: CallView;
  hangUp: CallView;
  sendCallSignal: Record<string, never>;
  reportCallFingerprints: Record<string, never>;
}

export interface CallEvents {
  /** A call changed (rang, was answered, bound, ended). */
  call: CallView;
  /** The other side's description or candidate for a call's media connection. */
  callSignal: { readonly callId: CallId; readonly signal: CallSignal };
}
