/**
 * A call's media connection is signaled over the PeerJS socket in PeerJS's own format (payload `type: 'media'`), but
 * PeerJS never sees it: the engine relays it to the call window, which holds the RTCPeerConnection. This screens
 * what arrives (each field checked and bounded) and builds what leaves.
 */
import * as v from 'valibot';
import { UserIdSchema, type UserId } from '../../../shared/ids';
import { MediaFrameSchema, isMediaPayload, type MediaFrame } from '../../../shared/protocol/call';
import { parse } from '../../../shared/validate';

export type MediaScreened =
  | { readonly kind: 'other' }
  | { readonly kind: 'media'; readonly from: UserId; readonly frame: MediaFrame }
  | { readonly kind: 'dropped'; readonly reason: string };

const SourceSchema = v.object({ src: UserIdSchema });

/** Whether a frame from the signaling socket is a media connection's, and if so whether it is valid. */
export function screenMedia(frame: unknown): MediaScreened {
  if (typeof frame !== 'object' || frame === null) return { kind: 'other' };
  const { payload } = frame as { payload?: unknown };
  if (!isMediaPayload(payload)) return { kind: 'other' };
  const source = parse(SourceSchema, frame);
  if (!source.ok) return { kind: 'dropped', reason: `a media frame ${source.message}` };
  const { type } = frame as { type?: unknown };
  const parsed = parse(MediaFrameSchema, { type, payload });
  if (!parsed.ok) return { kind: 'dropped', reason: `a media frame is malformed: ${parsed.message}` };
  return { kind: 'media', from: source.value.src, frame: parsed.value };
}

/** The frame the signaling socket sends to `peerId` (the server sets its `src`). */
export const outgoingMedia = (peerId: UserId, frame: MediaFrame) => ({ ...frame, dst: peerId });
