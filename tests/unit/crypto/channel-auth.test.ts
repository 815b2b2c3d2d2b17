import { describe, expect, it } from 'vitest';
import { createIdentityKeys, userIdOfKeys } from '../../../extension/lib/crypto/identity';
import { createHello, fingerprintOf, verifyHello } from '../../../extension/lib/transport/channel-auth';

const FP_ALICE = 'sha-256 aa:aa:aa:aa';
const FP_BOB = 'sha-256 bb:bb:bb:bb';
const FP_MALLORY = 'sha-256 cc:cc:cc:cc';

const alice = createIdentityKeys();
const bob = createIdentityKeys();
const aliceId = userIdOfKeys(alice);
const bobId = userIdOfKeys(bob);

describe('channel authentication (hello)', () => {
  it('reads the DTLS fingerprint from Chrome and Firefox SDP', () => {
    const chrome = 'v=0\r\na=group:BUNDLE 0\r\na=fingerprint:sha-256 5F:0A:9B:C1\r\na=setup:actpass\r\n';
    const firefox = 'v=0\r\na=fingerprint:sha-256 5f:0a:9b:c1\r\na=group:BUNDLE 0\r\n';
    expect(fingerprintOf(chrome)).toBe('sha-256 5f:0a:9b:c1');
    expect(fingerprintOf(firefox)).toBe('sha-256 5f:0a:9b:c1');
    expect(fingerprintOf('v=0\r\n')).toBeUndefined();
    expect(fingerprintOf(undefined)).toBeUndefined();
  });

  it('accepts the hello of the expected user over the channel both ends see', () => {
    const hello = createHello(bob, aliceId, { local: FP_BOB, remote: FP_ALICE });
    expect(verifyHello(hello, aliceId, bobId, { local: FP_ALICE, remote: FP_BOB }).ok).toBe(true);
  });

  it('refuses it when a relay swapped the fingerprints (someone in the middle)', () => {
    // Bob signed the channel he sees; Alice's SDP shows Mallory's certificate instead of Bob's.
    const hello = createHello(bob, aliceId, { local: FP_BOB, remote: FP_MALLORY });
    const check = verifyHello(hello, aliceId, bobId, { local: FP_ALICE, remote: FP_MALLORY });
    expect(check).toMatchObject({ ok: false });
    expect(check.ok || check.reason).toContain('someone may be in the middle');
  });

  it("refuses a valid hello from another user's key, and a hello replayed onto another channel", () => {
    const mallory = createIdentityKeys();
    const fromMallory = createHello(mallory, aliceId, { local: FP_BOB, remote: FP_ALICE });
    expect(verifyHello(fromMallory, aliceId, bobId, { local: FP_ALICE, remote: FP_BOB }).ok).toBe(false);

    const toCarol = createHello(bob, userIdOfKeys(createIdentityKeys()), { local: FP_BOB, remote: FP_ALICE });
    expect(verifyHello(toCarol, aliceId, bobId, { local: FP_ALICE, remote: FP_BOB }).ok).toBe(false);

    const oldChannel = createHello(bob, aliceId, { local: FP_BOB, remote: FP_ALICE });
    expect(verifyHello(oldChannel, aliceId, bobId, { local: 'sha-256 dd', remote: FP_BOB }).ok).toBe(false);
  });

  it('refuses anything but a hello as the first frame', () => {
    for (const frame of [null, 'hello', { v: 1, kind: 'chat', id: 'x', text: 'hi', sentAt: 1 }]) {
      const check = verifyHello(frame, aliceId, bobId, { local: FP_ALICE, remote: FP_BOB });
      expect(check).toMatchObject({ ok: false });
    }
  });
});
