/**
 * Calls: the media connection's signaling frames (PeerJS's wire format, relayed by the signal server between
 * contacts like a data connection's) and the call's control, sealed between the two engines (a `call` content).
 * The media connection is a plain RTCPeerConnection in the call window, signaled in PeerJS's format by the engine.
 */
import * as v from 'valibot';
import { SIGNATURE_LENGTH, bytesSchema } from '../crypto/key-encoding';
import {
  MAX_CALL_CANDIDATE_LENGTH,
  MAX_CALL_SDP_LENGTH,
  MAX_FINGERPRINT_LENGTH,
  MAX_TIMESTAMP_MS,
} from '../limits';
import { CallIdSchema, type CallId } from '../ids';
import { MediaKindSchema } from './media-kind';

/** PeerJS names a media connection `mc_…`; a call's is `mc_` and its call id, so each side finds the call from it. */
export const MediaConnectionIdSchema = v.pipe(
  v.string(),
  v.regex(/^mc_[0-9a-f]{32}$/, 'must be a media connection id (mc_ and a call id)'),
);
export const mediaConnectionId = (callId: CallId): string => `mc_${callId}`;
export const callIdOfConnection = (connectionId: string): CallId => connectionId.slice(3);

const description = <T extends 'offer' | 'answer'>(type: T) =>
  v.strictObject({
    type: v.literal(type),
    sdp: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CALL_SDP_LENGTH)),
  });

const NullableText = v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256))));

/** An ICE candidate as RTCIceCandidate.toJSON() gives it. */
export const MediaCandidateSchema = v.strictObject({
  candidate: v.pipe(v.string(), v.maxLength(MAX_CALL_CANDIDATE_LENGTH)),
  sdpMid: NullableText,
  sdpMLineIndex: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff)))),
  usernameFragment: NullableText,
});
export type MediaCandidate = v.InferOutput<typeof MediaCandidateSchema>;

/** The payload of each relayed frame type, for a media connection (`type: 'media'`). */
export const MediaPayloadSchemas = {
  OFFER: v.strictObject({
    type: v.literal('media'),
    connectionId: MediaConnectionIdSchema,
    sdp: description('offer'),
  }),
  ANSWER: v.strictObject({
    type: v.literal('media'),
    connectionId: MediaConnectionIdSchema,
    sdp: description('answer'),
  }),
  CANDIDATE: v.strictObject({
    type: v.literal('media'),
    connectionId: MediaConnectionIdSchema,
    candidate: MediaCandidateSchema,
  }),
} as const;

/** A media frame as a client sends it to the server (`dst`) or receives it from the server (`src`). */
const mediaFrame = <T extends keyof typeof MediaPayloadSchemas>(type: T) =>
  v.strictObject({ type: v.literal(type), payload: MediaPayloadSchemas[type] });
export const MediaFrameSchema = v.variant('type', [
  mediaFrame('OFFER'),
  mediaFrame('ANSWER'),
  mediaFrame('CANDIDATE'),
]);
export type MediaFrame = v.InferOutput<typeof MediaFrameSchema>;

/** Whether a relayed frame's payload says it is for a media connection (then MediaPayloadSchemas must hold). */
export const isMediaPayload = (payload: unknown): boolean =>
  typeof payload === 'object' && payload !== null && (payload as { type?: unknown }).type === 'media';

/** A DTLS fingerprint as bindings carry it: `sha-256 ab:cd:…` (lower case, see extension/lib/calls/sdp.ts). */
export const FingerprintSchema = v.pipe(
  v.string(),
  v.maxLength(MAX_FINGERPRINT_LENGTH),
  v.regex(/^[a-z0-9-]{1,16} [0-9a-f]{2}(:[0-9a-f]{2})+$/, 'must be a DTLS fingerprint (`sha-256 ab:cd:…`)'),
);

const CALL_CONTENT_VERSION = 1;
const base = <A extends string>(action: A) => ({
  v: v.literal(CALL_CONTENT_VERSION),
  kind: v.literal('call'),
  callId: CallIdSchema,
  action: v.literal(action),
});

/**
 * A call's control, sealed between the two engines: `ring` (the caller, with the media and its clock), `accept`,
 * `decline` and `busy` (the callee), `cancel` (the caller gave up; `missed` once the ring timed out), `hangup`
 * (either side, once connected), `bind` (either side: its signature over the media connection's two DTLS
 * fingerprints as its own SDP shows them, see extension/lib/engine/calls/binding.ts) and `mismatch` (the bindings
 * did not agree: the call is over, and someone may be in the middle).
 */
export const CallContentSchema = v.variant('action', [
  v.strictObject({
    ...base('ring'),
    media: MediaKindSchema,
    sentAt: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_TIMESTAMP_MS)),
  }),
  v.strictObject(base('accept')),
  v.strictObject(base('decline')),
  v.strictObject(base('busy')),
  v.strictObject({ ...base('cancel'), missed: v.boolean() }),
  v.strictObject(base('hangup')),
  v.strictObject({
    ...base('bind'),
    local: FingerprintSchema,
    remote: FingerprintSchema,
    signature: bytesSchema(SIGNATURE_LENGTH),
  }),
  v.strictObject(base('mismatch')),
]);
export type CallContent = v.InferOutput<typeof CallContentSchema>;
export const CALL_CONTENT_V = CALL_CONTENT_VERSION;
