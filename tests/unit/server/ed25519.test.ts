import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
  encodeBytes,
  hasSmallOrder,
  verifyEd25519Tweetnacl,
  verifyPublicIdentity,
  verifySignature,
  type VerifyEd25519,
} from '../../../shared/crypto/identity';
import { hexToBytes } from '../../../shared/crypto/bytes';
import { verifyEd25519Native } from '../../../signal-server/src/crypto/ed25519';
import { createIdentityKeys, publicIdentity } from '../../../extension/lib/crypto/identity';

const verifiers: Record<string, VerifyEd25519> = {
  native: verifyEd25519Native,
  tweetnacl: verifyEd25519Tweetnacl,
};
/** What each verifier answers, by name; a throw is an answer too (and a failure of the contract). */
const answers = (message: Uint8Array, signature: Uint8Array, key: Uint8Array): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(verifiers).map(([name, verify]): [string, unknown] => {
      try {
        return [name, verify(message, signature, key)];
      } catch (error) {
        return [name, `threw ${String(error)}`];
      }
    }),
  );
const both = (answer: boolean) => ({ native: answer, tweetnacl: answer });

const message = new TextEncoder().encode('toolbar-messenger test statement');
const keys = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(7));
const signature = nacl.sign.detached(message, keys.secretKey);

// Points of small order and non-canonical encodings of them (y = p + 1 is 1, the neutral point).
const IDENTITY = hexToBytes('0100000000000000000000000000000000000000000000000000000000000000');
const ORDER_TWO = hexToBytes('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
const ORDER_EIGHT = hexToBytes('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05');
const IDENTITY_NON_CANONICAL = hexToBytes('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
/** R = the neutral point, S = 0: valid for any message under a key of small order (cofactorless check). */
const TRIVIAL_FORGERY = new Uint8Array(64);
TRIVIAL_FORGERY.set(IDENTITY, 0);

describe('Ed25519: node:crypto (server) and tweetnacl (engine) agree', () => {
  it('accept valid signatures, of any length of message', () => {
    for (const length of [0, 1, 64, 1000]) {
      const m = nacl.randomBytes(length);
      const kp = nacl.sign.keyPair();
      expect(answers(m, nacl.sign.detached(m, kp.secretKey), kp.publicKey)).toEqual(both(true));
    }
  });

  it('refuse a change to any byte of the signature, a changed message or another key', () => {
    for (let i = 0; i < signature.length; i++) {
      const tampered = signature.slice();
      tampered[i] = (tampered[i] ?? 0) ^ 0x40;
      expect(answers(message, tampered, keys.publicKey), `byte ${i}`).toEqual(both(false));
    }
    const changed = message.slice();
    changed[0] = (changed[0] ?? 0) ^ 1;
    expect(answers(changed, signature, keys.publicKey)).toEqual(both(false));
    expect(answers(message, signature, nacl.sign.keyPair().publicKey)).toEqual(both(false));
  });

  it('refuse, without throwing, signatures and keys of the wrong length and keys off the curve', () => {
    expect(answers(message, signature.subarray(0, 63), keys.publicKey)).toEqual(both(false));
    expect(answers(message, new Uint8Array([...signature, 0]), keys.publicKey)).toEqual(both(false));
    expect(answers(message, signature, keys.publicKey.subarray(0, 31))).toEqual(both(false));
    expect(answers(message, signature, new Uint8Array(0))).toEqual(both(false));
    const offCurve = new Uint8Array(32);
    offCurve[0] = 2; // y = 2 has no x on the curve
    expect(answers(message, signature, offCurve)).toEqual(both(false));
  });

  it('both accept the trivial forgery under a key of small order, so shared/ refuses such keys first', () => {
    for (const key of [IDENTITY, ORDER_TWO, IDENTITY_NON_CANONICAL]) {
      expect(answers(message, TRIVIAL_FORGERY, key)).toEqual(both(true));
      expect(hasSmallOrder(key)).toBe(true);
      for (const verify of Object.values(verifiers))
        expect(verifySignature(message, encodeBytes(TRIVIAL_FORGERY), encodeBytes(key), verify)).toBe(false);
    }
    expect(hasSmallOrder(ORDER_EIGHT)).toBe(true);
    expect(hasSmallOrder(keys.publicKey)).toBe(false);
  });

  it('differ on one point: node:crypto refuses a signature whose S is not reduced (S + L), tweetnacl takes it', () => {
    // No honest signer makes it (tweetnacl signs with S < L); refusing it only removes malleability.
    const L = hexToBytes('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
    const malleable = signature.slice();
    let carry = 0;
    for (let i = 0; i < 32; i++) {
      const sum = (malleable[32 + i] ?? 0) + (L[i] ?? 0) + carry;
      malleable[32 + i] = sum & 0xff;
      carry = sum >> 8;
    }
    expect(carry).toBe(0); // S + L still fits in 32 bytes (S < 2^253)
    expect(answers(message, malleable, keys.publicKey)).toEqual({ native: false, tweetnacl: true });
  });

  it('verify an identity and a statement through shared/ with either', () => {
    const identity = publicIdentity(createIdentityKeys());
    const foreign = publicIdentity(createIdentityKeys()).exchangeKey;
    for (const verify of Object.values(verifiers)) {
      expect(verifyPublicIdentity(identity, verify)).toBe(true);
      expect(verifyPublicIdentity({ ...identity, exchangeKey: foreign }, verify)).toBe(false);
      expect(verifyPublicIdentity({ ...identity, signingKey: 'not base64!' }, verify)).toBe(false);
      expect(verifySignature(message, encodeBytes(signature), encodeBytes(keys.publicKey), verify)).toBe(
        true,
      );
      expect(verifySignature(message, '!!', encodeBytes(keys.publicKey), verify)).toBe(false);
    }
  });
});
