/** Frames exchanged between two engines over a WebRTC data channel. Validated on arrival. */
import * as v from 'valibot';
import { PublicIdentitySchema, SIGNATURE_LENGTH, bytesSchema } from '../crypto/identity';
import { MessageIdSchema } from '../ids';
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

export const PeerFrameSchema = v.variant('kind', [SealedFrameSchema]);
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
