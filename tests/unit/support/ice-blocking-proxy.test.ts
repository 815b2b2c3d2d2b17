import { describe, expect, it } from 'vitest';
import { withoutCandidates } from '../../support/ice-blocking-proxy';

describe('the ICE-blocking proxy’s frame filter', () => {
  it('drops a PeerJS CANDIDATE frame', () => {
    const frame = JSON.stringify({ type: 'CANDIDATE', dst: 'b', payload: { candidate: { candidate: 'x' } } });
    expect(withoutCandidates(frame)).toBeUndefined();
  });

  it('takes the candidate lines out of an offer’s SDP and leaves the rest', () => {
    const sdp = [
      'v=0',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'a=candidate:1 1 udp 2 10.0.0.1 5000 typ host',
      'a=mid:0',
      '',
    ].join('\r\n');
    const passed = withoutCandidates(
      JSON.stringify({ type: 'OFFER', payload: { sdp: { type: 'offer', sdp } } }),
    );
    const parsed = JSON.parse(passed ?? 'null') as { payload: { sdp: { sdp: string } } };
    expect(parsed.payload.sdp.sdp).toBe(
      ['v=0', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=mid:0', ''].join('\r\n'),
    );
  });

  it('passes Socket.IO framing and frames of other types as they are', () => {
    const heartbeat = JSON.stringify({ type: 'HEARTBEAT' });
    expect(withoutCandidates('42["message",{"a":1}]')).toBe('42["message",{"a":1}]');
    expect(withoutCandidates(heartbeat)).toBe(heartbeat);
  });
});
