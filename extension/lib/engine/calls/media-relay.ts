/**
 * The engine's half of a call's media signaling: the window's descriptions and candidates go out over the PeerJS
 * socket as PeerJS frames of the call's media connection (`mc_<callId>`), and the other side's come back to the
 * window as `callSignal` events. Candidates are bounded per call and direction (MAX_CALL_CANDIDATES).
 */
import { MAX_CALL_CANDIDATES } from '../../../../shared/limits';
import { mediaConnectionId, type MediaFrame } from '../../../../shared/protocol/call';
import type { CallSignal } from '../../messaging/call-protocol';
import type { CallId } from '../../../../shared/ids';

/** The frame that carries `signal` of call `callId`. */
export function frameOf(callId: CallId, signal: CallSignal): MediaFrame {
  const connectionId = mediaConnectionId(callId);
  if (signal.kind === 'candidate')
    return { type: 'CANDIDATE', payload: { type: 'media', connectionId, candidate: signal.candidate } };
  const { type, sdp } = signal.description;
  return type === 'offer'
    ? { type: 'OFFER', payload: { type: 'media', connectionId, sdp: { type, sdp } } }
    : { type: 'ANSWER', payload: { type: 'media', connectionId, sdp: { type, sdp } } };
}

/** What a frame carries, for the window. */
export function signalOf(frame: MediaFrame): CallSignal {
  if (frame.type === 'CANDIDATE') return { kind: 'candidate', candidate: frame.payload.candidate };
  return { kind: 'description', description: frame.payload.sdp };
}

/** Counts one call's candidates each way; false once past the bound (the candidate is dropped). */
export interface CandidateBudget {
  take(direction: 'in' | 'out', signal: CallSignal): boolean;
}

export function candidateBudget(): CandidateBudget {
  const used = { in: 0, out: 0 };
  return {
    take(direction, signal) {
      if (signal.kind !== 'candidate') return true;
      used[direction] += 1;
      return used[direction] <= MAX_CALL_CANDIDATES;
    },
  };
}
