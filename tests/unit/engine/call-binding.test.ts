import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../../shared/crypto/identity';
import { randomId } from '../../../shared/ids';
import { createIdentityKeys, userIdOfKeys } from '../../../extension/lib/crypto/identity';
import { sdpFingerprint } from '../../../extension/lib/calls/sdp';
import { checkBinding, signBinding } from '../../../extension/lib/engine/calls/binding';

const FP_A = `sha-256 ${'AB:'.repeat(31)}CD`;
const FP_B = `sha-256 ${'12:'.repeat(31)}34`;
const FP_EVE = `sha-256 ${'EE:'.repeat(31)}EE`;
const lower = (fp: string): string => fp.toLowerCase();

const sdp = (...fingerprints: string[]): string =>
  [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    ...fingerprints.slice(0, 1).map((fp) => `a=fingerprint:${fp}`),
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    ...fingerprints.slice(1).map((fp) => `a=fingerprint:${fp}`),
    '',
  ].join('\r\n');

describe('sdpFingerprint', () => {
  it('gives the one DTLS fingerprint, in lower case, whatever its case or the number of media sections', () => {
    expect(sdpFingerprint(sdp(FP_A))).toBe(lower(FP_A));
    expect(sdpFingerprint(sdp(FP_A, lower(FP_A)))).toBe(lower(FP_A));
  });

  it('gives none for an SDP without one, with two different ones, or with a malformed line', () => {
    expect(sdpFingerprint(sdp())).toBeUndefined();
    expect(sdpFingerprint(sdp(FP_A, FP_B))).toBeUndefined();
    expect(sdpFingerprint(sdp('sha-256 not-hex'))).toBeUndefined();
  });
});

describe('call binding', () => {
  const alice = createIdentityKeys();
  const bob = createIdentityKeys();
  const [aliceId, bobId] = [userIdOfKeys(alice), userIdOfKeys(bob)];
  const callId = randomId();
  // What each side's window saw: its own fingerprint, and the other's as received.
  const aliceSaw = { local: lower(FP_A), remote: lower(FP_B) };
  const bobSaw = { local: lower(FP_B), remote: lower(FP_A) };
  const aliceKey = encodeBytes(alice.signing.publicKey);

  const bobChecks = (
    theirs: ReturnType<typeof signBinding>,
    own = bobSaw,
    signingKey = aliceKey,
    id = callId,
  ) => checkBinding({ callId: id, selfId: bobId, peerId: aliceId, peerSigningKey: signingKey, own, theirs });

  it('verifies when both sides saw the same two fingerprints, crossed, signed by the pinned key', () => {
    expect(bobChecks(signBinding(alice, aliceId, bobId, callId, aliceSaw))).toEqual({ ok: true });
  });

  it('refuses when a relay rewrote a fingerprint in the SDP one side received', () => {
    // Eve answered Alice's offer with her own certificate: Alice saw Eve's fingerprint as Bob's.
    const rewritten = signBinding(alice, aliceId, bobId, callId, {
      local: aliceSaw.local,
      remote: lower(FP_EVE),
    });
    const refused = bobChecks(rewritten);
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.reason).toMatch(/fingerprints/);
    // And Bob, offered Eve's certificate as Alice's, sees it as remote: no match either.
    const bobFooled = { local: bobSaw.local, remote: lower(FP_EVE) };
    expect(bobChecks(signBinding(alice, aliceId, bobId, callId, aliceSaw), bobFooled).ok).toBe(false);
  });

  it('refuses a binding signed by another key than the contact’s pinned one', () => {
    const eve = createIdentityKeys();
    const forged = signBinding(eve, aliceId, bobId, callId, aliceSaw);
    const refused = bobChecks(forged);
    expect(refused.ok ? '' : refused.reason).toMatch(/not signed/);
  });

  it('refuses swapped fingerprints, a binding of another call, and Bob’s own binding reflected back', () => {
    const swapped = signBinding(alice, aliceId, bobId, callId, {
      local: aliceSaw.remote,
      remote: aliceSaw.local,
    });
    expect(bobChecks(swapped).ok).toBe(false);
    expect(bobChecks(signBinding(alice, aliceId, bobId, randomId(), aliceSaw)).ok).toBe(false);
    const reflected = signBinding(bob, bobId, aliceId, callId, bobSaw);
    expect(bobChecks(reflected, bobSaw, encodeBytes(bob.signing.publicKey)).ok).toBe(false);
  });
});
