/**
 * The frames the `peerjs` client exchanges with its signaling server over a WebSocket,
 * as spoken by peerjs 1.5. The server treats `payload` as opaque and never logs it.
 */
import * as v from 'valibot';
import { UserIdSchema } from '../ids';

export const RelayedTypes = ['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE'] as const;
export type RelayedType = (typeof RelayedTypes)[number];

const RelayedFrameSchema = v.object({
  type: v.picklist(RelayedTypes),
  dst: UserIdSchema,
  payload: v.optional(v.record(v.string(), v.unknown())),
});

const HeartbeatFrameSchema = v.object({ type: v.literal('HEARTBEAT') });

export const ClientSignalFrameSchema = v.variant('type', [HeartbeatFrameSchema, RelayedFrameSchema]);
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
