/**
 * What the PeerJS client may act on, of the frames its signaling socket receives. PeerJS trusts every field of a
 * relayed frame: an OFFER's `serialization` names the class it instantiates, so `"constructor"` made it store a
 * String object as a connection, and every later `destroy()` threw. Each frame is checked here and rebuilt from
 * the fields PeerJS reads, holding only the values this mesh itself uses; anything else is dropped.
 */
import * as v from 'valibot';
import { UserIdSchema } from '../../../shared/ids';
import { MAX_SIGNAL_FRAME_BYTES } from '../../../shared/limits';
import { parse } from '../../../shared/validate';

/** The one serialization this mesh dials with and accepts (JSON: frames are validated by schema on arrival). */
export const SERIALIZATION = 'json';

/** Longest message the signaling server may send about itself (an error), in characters. */
const MAX_SERVER_MESSAGE_LENGTH = 1000;

/** PeerJS names a data connection `dc_` and a random base-36 string. */
const ConnectionIdSchema = v.pipe(
  v.string(),
  v.regex(/^dc_[0-9a-z]{1,32}$/, 'must be a PeerJS data connection id (dc_ and up to 32 base-36 digits)'),
);

const description = <T extends 'offer' | 'answer'>(type: T) =>
  v.object({ type: v.literal(type), sdp: v.pipe(v.string(), v.maxLength(MAX_SIGNAL_FRAME_BYTES)) });

const NullableText = v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256))));

/** An ICE candidate as RTCIceCandidate.toJSON() gives it. */
const CandidateSchema = v.object({
  candidate: v.pipe(v.string(), v.maxLength(1024)),
  sdpMid: NullableText,
  sdpMLineIndex: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff)))),
  usernameFragment: NullableText,
});

/**
 * An offer for a data channel, as this mesh dials it: JSON, reliable. No `label` or `metadata` passes: PeerJS
 * then labels the channel with its connection id, and nothing a peer chose reaches the connection's options.
 */
const OfferSchema = v.object({
  type: v.literal('OFFER'),
  src: UserIdSchema,
  payload: v.object({
    type: v.literal('data'),
    connectionId: ConnectionIdSchema,
    serialization: v.literal(SERIALIZATION),
    reliable: v.literal(true),
    sdp: description('offer'),
  }),
});

const AnswerSchema = v.object({
  type: v.literal('ANSWER'),
  src: UserIdSchema,
  payload: v.object({
    type: v.literal('data'),
    connectionId: ConnectionIdSchema,
    sdp: description('answer'),
  }),
});

const IceCandidateSchema = v.object({
  type: v.literal('CANDIDATE'),
  src: UserIdSchema,
  payload: v.object({
    type: v.literal('data'),
    connectionId: ConnectionIdSchema,
    candidate: CandidateSchema,
  }),
});

const ServerMessage = v.object({ msg: v.pipe(v.string(), v.maxLength(MAX_SERVER_MESSAGE_LENGTH)) });

const SignalFrameSchema = v.variant('type', [
  OfferSchema,
  AnswerSchema,
  IceCandidateSchema,
  v.object({ type: v.picklist(['LEAVE', 'EXPIRE']), src: UserIdSchema }),
  v.object({ type: v.literal('OPEN') }),
  v.object({ type: v.picklist(['ERROR', 'ID-TAKEN', 'INVALID-KEY']), payload: ServerMessage }),
]);
/** A frame PeerJS may handle: only the fields it reads, each checked. */
export type SignalFrame = v.InferOutput<typeof SignalFrameSchema>;

export type Screened =
  { readonly ok: true; readonly frame: SignalFrame } | { readonly ok: false; readonly reason: string };

/**
 * Checks one frame from the signaling socket. An answer or a candidate must be for a connection PeerJS has
 * (`known`): PeerJS would otherwise keep it, without bound, for a connection that may never come.
 */
export function screenSignal(
  frame: unknown,
  known: (peerId: string, connectionId: string) => boolean,
): Screened {
  const parsed = parse(SignalFrameSchema, frame);
  if (!parsed.ok) return { ok: false, reason: parsed.message };
  const checked = parsed.value;
  if (
    (checked.type === 'ANSWER' || checked.type === 'CANDIDATE') &&
    !known(checked.src, checked.payload.connectionId)
  )
    return { ok: false, reason: `${checked.type} for a connection that does not exist` };
  return { ok: true, frame: checked };
}
