import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { randomId } from '../../../shared/ids';
import { MAX_CALL_SDP_LENGTH } from '../../../shared/limits';
import { mediaConnectionId } from '../../../shared/protocol/call';
import { ClientSignalFrameSchema } from '../../../shared/protocol/peerjs';
import { screenMedia } from '../../../extension/lib/transport/media-signal';

const callId = randomId();
const src = randomId();
const offer = (sdp = 'v=0\r\n', extra: Record<string, unknown> = {}) => ({
  type: 'OFFER',
  src,
  dst: randomId(),
  payload: { type: 'media', connectionId: mediaConnectionId(callId), sdp: { type: 'offer', sdp }, ...extra },
});

describe('media frames on the client (screenMedia)', () => {
  it('takes a call’s offer, answer and candidate apart from PeerJS’s frames', () => {
    expect(screenMedia(offer())).toMatchObject({ kind: 'media', from: src, frame: { type: 'OFFER' } });
    const candidate = {
      type: 'CANDIDATE',
      src,
      payload: {
        type: 'media',
        connectionId: mediaConnectionId(callId),
        candidate: { candidate: 'candidate:1' },
      },
    };
    expect(screenMedia(candidate)).toMatchObject({ kind: 'media', frame: { type: 'CANDIDATE' } });
    const data = { type: 'OFFER', src, payload: { type: 'data', connectionId: 'dc_1' } };
    expect(screenMedia(data)).toEqual({ kind: 'other' });
    expect(screenMedia({ type: 'OPEN' })).toEqual({ kind: 'other' });
  });

  it('drops (never hands to PeerJS) a media frame that is too large, has extra fields, a bad id or no sender', () => {
    expect(screenMedia(offer('x'.repeat(MAX_CALL_SDP_LENGTH + 1))).kind).toBe('dropped');
    expect(screenMedia(offer('v=0', { metadata: { a: 1 } })).kind).toBe('dropped');
    expect(screenMedia({ ...offer(), payload: { ...offer().payload, connectionId: 'dc_1' } }).kind).toBe(
      'dropped',
    );
    expect(screenMedia({ ...offer(), src: 'constructor' }).kind).toBe('dropped');
    expect(screenMedia({ ...offer(), type: 'LEAVE' }).kind).toBe('dropped');
  });
});

describe('media frames on the server (ClientSignalFrameSchema)', () => {
  // As a client sends it: the server sets `src` from the socket.
  const sent = { ...offer(), src: undefined };
  it('relays a well-formed media offer, and a data connection’s payload as before', () => {
    expect(v.is(ClientSignalFrameSchema, sent)).toBe(true);
    expect(v.is(ClientSignalFrameSchema, { ...sent, payload: { type: 'data', anything: 1 } })).toBe(true);
  });
  it('refuses a media payload past its limits or with fields a media connection does not have', () => {
    expect(
      v.is(ClientSignalFrameSchema, { ...sent, payload: offer('x'.repeat(MAX_CALL_SDP_LENGTH + 1)).payload }),
    ).toBe(false);
    expect(v.is(ClientSignalFrameSchema, { ...sent, payload: { ...sent.payload, extra: true } })).toBe(false);
    expect(v.is(ClientSignalFrameSchema, { ...sent, type: 'LEAVE' })).toBe(false);
  });
});
