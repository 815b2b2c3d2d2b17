/** The engine's call requests (messaging/call-protocol.ts), on the calls module and the open profile. */
import type { CallResponses, CallView } from '../../messaging/call-protocol';
import type { EngineParams } from '../../messaging/protocol';
import type { Profile } from '../profile';
import type { Calls } from './calls';
import type { CallId } from '../../../../shared/ids';

type CallApi = { [M in keyof CallResponses]: (params: EngineParams<M>) => Promise<CallResponses[M]> };

/** What the host does for calls: open the call window (incoming), and tell the user one rings. */
export interface CallHost {
  readonly openWindow: (callId: CallId) => void;
  readonly notifyRinging?: (call: CallView) => void;
}

export function callApi(calls: Calls, open: () => Profile, iceServers: () => RTCIceServer[]): CallApi {
  return {
    getCallConfig: async () => ({ iceServers: iceServers() }),
    startCall: async ({ peerId, media }) => calls.start(open(), peerId, media),
    // Asked by a live call's window now and then: a call is activity, so it keeps auto-lock from cutting it (open()).
    getCall: async ({ callId }) => (open(), calls.get(callId)),
    listCalls: async () => calls.list(),
    answerCall: async ({ callId, accept }) => calls.answer(open(), callId, accept),
    hangUp: async ({ callId }) => calls.hangUp(open(), callId),
    async sendCallSignal({ callId, signal }) {
      calls.sendSignal(callId, signal);
      return {};
    },
    async reportCallFingerprints({ callId, local, remote }) {
      await calls.reportFingerprints(open(), callId, { local, remote });
      return {};
    },
  };
}
