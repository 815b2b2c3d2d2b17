import { describe, expect, it } from 'vitest';
import { MAX_SIGNAL_PAYLOAD_DEPTH } from '../../../shared/limits';
import { ClientSignalFrameSchema, nestsWithin } from '../../../shared/protocol/peerjs';
import { parse } from '../../../shared/validate';

/** `levels` levels of arrays around a number. */
const nested = (levels: number): unknown =>
  JSON.parse(`${'['.repeat(levels)}1${']'.repeat(levels)}`) as unknown;
const offer = (payload: unknown) => ({ type: 'OFFER', dst: 'a'.repeat(32), payload });

describe('PeerJS payload depth', () => {
  it('measures objects and arrays alike, stopping past the bound', () => {
    expect(nestsWithin(1, 0)).toBe(true);
    expect(nestsWithin({}, 0)).toBe(false);
    expect(nestsWithin({ a: [{ b: 1 }] }, 3)).toBe(true);
    expect(nestsWithin({ a: [{ b: 1 }] }, 2)).toBe(false);
    expect(nestsWithin(nested(100_000), 32)).toBe(false); // far past any stack: it stops at 33
  });

  it('takes what PeerJS sends and payloads up to the bound, refuses deeper ones', () => {
    const peerjsOffer = {
      sdp: { type: 'offer', sdp: 'v=0\r\n' },
      type: 'data',
      connectionId: 'dc_abc',
      label: 'dc_abc',
      reliable: true,
      serialization: 'json',
    };
    expect(parse(ClientSignalFrameSchema, offer(peerjsOffer)).ok).toBe(true);
    // The payload object is one level; its `x` adds the rest.
    expect(parse(ClientSignalFrameSchema, offer({ x: nested(MAX_SIGNAL_PAYLOAD_DEPTH - 1) })).ok).toBe(true);
    const deep = parse(ClientSignalFrameSchema, offer({ x: nested(MAX_SIGNAL_PAYLOAD_DEPTH) }));
    expect(deep.ok).toBe(false);
    if (!deep.ok) expect(deep.message).toContain(`nested more than ${MAX_SIGNAL_PAYLOAD_DEPTH} levels deep`);
    expect(parse(ClientSignalFrameSchema, offer({ x: nested(10_000) })).ok).toBe(false);
  });
});
