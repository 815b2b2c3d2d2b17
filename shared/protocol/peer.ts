/** Frames exchanged between two engines over a WebRTC data channel. Validated on arrival. */
import * as v from 'valibot';
import { PublicIdentitySchema, SIGNATURE_LENGTH, bytesSchema } from '../crypto/identity';
import { MessageIdSchema } from '../ids';
import { MAX_TEXT_LENGTH } from '../limits';

export const PEER_PROTOCOL_VERSION = 1;

export const TextMessageSchema = v.pipe(
  v.string(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`),
);

export const ChatFrameSchema = v.strictObject({
  v: v.literal(PEER_PROTOCOL_VERSION),
  kind: v.literal('chat'),
  id: MessageIdSchema,
  text: TextMessageSchema,
  /** Sender's clock, ms since epoch; shown, never trusted for ordering. */
  sentAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type ChatFrame = v.InferOutput<typeof ChatFrameSchema>;

export const PeerFrameSchema = v.variant('kind', [ChatFrameSchema]);
export type PeerFrame = v.InferOutput<typeof PeerFrameSchema>;

/** The first frame each end sends on a new channel: its identity and its signed channelStatement. */
export const HelloFrameSchema = v.strictObject({
  v: v.literal(PEER_PROTOCOL_VERSION),
  kind: v.literal('hello'),
  identity: PublicIdentitySchema,
  signature: bytesSchema(SIGNATURE_LENGTH),
});
export type HelloFrame = v.InferOutput<typeof HelloFrameSchema>;

/** Keeps a quiet channel provably alive; handled by the transport, never shown. */
export const HeartbeatFrameSchema = v.strictObject({
  v: v.literal(PEER_PROTOCOL_VERSION),
  kind: v.literal('heartbeat'),
});
export const HEARTBEAT_FRAME: v.InferOutput<typeof HeartbeatFrameSchema> = {
  v: PEER_PROTOCOL_VERSION,
  kind: 'heartbeat',
};
