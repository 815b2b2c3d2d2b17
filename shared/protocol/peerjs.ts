/**
 * The frames the `peerjs` client exchanges with its signaling server over a WebSocket,
 * as spoken by peerjs 1.5. The server treats `payload` as opaque and never logs it.
 */
import * as v from 'valibot';
import { UserIdSchema } from '../ids';
import { MAX_SIGNAL_PAYLOAD_DEPTH } from '../limits';
import { MediaPayloadSchemas, isMediaPayload } from './call';

export const RelayedTypes = ['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE'] as const;
export type RelayedType = (typeof RelayedTypes)[number];

/**
 * Whether `value` nests no deeper than `max` levels of objects and arrays (a scalar is 0 deep). Stops at the first
 * level past `max`, so its own recursion is bounded whatever it is given.
 */
export function nestsWithin(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (max === 0) return false;
  return Object.values(value).every((inner) => nestsWithin(inner, max - 1));
}

const RelayedFrameSchema = v.object({
  type: v.picklist(RelayedTypes),
  dst: UserIdSchema,
  // Relayed as is, but bounded in depth: a payload nested thousands of levels deep (a few bytes a level) would
  // make serialising it for the destination overflow the stack.
  payload: v.optional(
    v.pipe(
      v.record(v.string(), v.unknown()),
      v.check(
        (payload) => nestsWithin(payload, MAX_SIGNAL_PAYLOAD_DEPTH),
        `payload is nested more than ${MAX_SIGNAL_PAYLOAD_DEPTH} levels deep; PeerJS payloads are a few levels deep`,
      ),
    ),
  ),
});

const HeartbeatFrameSchema = v.object({ type: v.literal('HEARTBEAT') });

export const ClientSignalFrameSchema = v.pipe(
  v.variant('type', [HeartbeatFrameSchema, RelayedFrameSchema]),
  // A call's media connection is relayed like a data connection, but its payload is checked here in full (its size
  // and fields are bounded: shared/protocol/call.ts), so a malformed one never reaches the callee.
  v.check(
    (frame) =>
      frame.type === 'HEARTBEAT' ||
      !isMediaPayload(frame.payload) ||
      (frame.type !== 'LEAVE' && v.is(MediaPayloadSchemas[frame.type], frame.payload)),
    'a media payload must be an offer, answer or candidate of a media connection, within its limits',
  ),
);
export type ClientSignalFrame = v.InferOutput<typeof ClientSignalFrameSchema>;
export type RelayedFrame = v.InferOutput<typeof RelayedFrameSchema>;

/** A relayed frame as the destination receives it: `src` is set by the server from the authenticated socket. */
export interface DeliveredFrame {
  readonly type: RelayedType;
  readonly src: string;
  readonly dst: string;
  readonly payload?: Readonly<Record<string, unknown>>;
}

export type ServerSignalFrame =
  | { readonly type: 'OPEN' }
  | { readonly type: 'ID-TAKEN'; readonly payload: { readonly msg: string } }
  | { readonly type: 'INVALID-KEY'; readonly payload: { readonly msg: string } }
  | { readonly type: 'ERROR'; readonly payload: { readonly msg: string } }
  | { readonly type: 'EXPIRE'; readonly src: string }
  | DeliveredFrame;
