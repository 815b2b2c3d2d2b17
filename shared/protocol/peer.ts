/** Frames exchanged between two engines over a WebRTC data channel. Validated on arrival. */
import * as v from 'valibot';
import { PublicIdentitySchema, SIGNATURE_LENGTH, bytesSchema } from '../crypto/identity';
import { MessageIdSchema } from '../ids';
import { FILE_STREAM_FIRST, FILE_STREAM_LAST, MAX_FILE_BYTES, FILE_CHUNK_BYTES } from '../limits';
import { SealedMessageSchema } from './envelope';

export const PEER_PROTOCOL_VERSION = 1;

/**
 * An end-to-end encrypted message; what it holds is Content (./content), once decrypted. `id` is the message id
 * in the clear (random, also inside the content): the receiver drops a copy it already has without decrypting it,
 * and a copy can come both directly and through the mailbox.
 */
export const SealedFrameSchema = v.strictObject({
  v: v.literal(PEER_PROTOCOL_VERSION),
  kind: v.literal('sealed'),
  id: MessageIdSchema,
  message: SealedMessageSchema,
});
export type SealedFrame = v.InferOutput<typeof SealedFrameSchema>;

/**
 * The receiver of the file offered in message `id` asks for its chunks from chunk `from` on (0, or where a dropped
 * link left it), over the data channel it has just created with stream id `stream` (negotiated, on this link).
 * Only the offer's recipients are answered; the chunks are sealed under the offer's key.
 */
export const FilePullFrameSchema = v.strictObject({
  v: v.literal(PEER_PROTOCOL_VERSION),
  kind: v.literal('file-pull'),
  id: MessageIdSchema,
  from: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(0),
    v.maxValue(Math.ceil(MAX_FILE_BYTES / FILE_CHUNK_BYTES)),
  ),
  stream: v.pipe(v.number(), v.integer(), v.minValue(FILE_STREAM_FIRST), v.maxValue(FILE_STREAM_LAST)),
});
export type FilePullFrame = v.InferOutput<typeof FilePullFrameSchema>;

/**
 * "I am typing to you" (`typing: true`, again at most every TYPING_SEND_INTERVAL_MS while it lasts) or "I stopped"
 * (the draft emptied, or was sent). Only over a verified data channel (its DTLS is bound to both identities), never
 * sealed, stored or sent through the server; the receiver shows it for an accepted contact only, for at most
 * TYPING_SHOWN_MS after the last one.
 */
export const TypingFrameSchema = v.strictObject({
  v: v.literal(PEER_PROTOCOL_VERSION),
  kind: v.literal('typing'),
  typing: v.boolean(),
});
export type TypingFrame = v.InferOutput<typeof TypingFrameSchema>;

export const PeerFrameSchema = v.variant('kind', [SealedFrameSchema, FilePullFrameSchema, TypingFrameSchema]);
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
