import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { encodeBytes, userIdOf } from '../../../shared/crypto/identity';
import { displayableFingerprint, groupDigits, safetyNumber } from '../../../shared/crypto/safety-number';

const userOf = (seed: number) => {
  const key = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(seed)).publicKey;
  return { userId: userIdOf(key), signingKey: encodeBytes(key) };
};

describe('safety numbers', () => {
  it('gives 30 digits per user (known answer, computed independently with Python hashlib)', () => {
    const { userId, signingKey } = userOf(1);
    expect(displayableFingerprint(userId, signingKey)).toBe('905635132340610767328826923408');
  });

  it('is the same 60 digits on both sides', () => {
    const [alice, bob] = [userOf(1), userOf(2)];
    const number = safetyNumber(alice, bob);
    expect(number).toMatch(/^\d{60}$/);
    expect(safetyNumber(bob, alice)).toBe(number);
  });

  it('changes when either key changes', () => {
    const [alice, bob, mallory] = [userOf(1), userOf(2), userOf(3)];
    expect(safetyNumber(alice, mallory)).not.toBe(safetyNumber(alice, bob));
    expect(safetyNumber(mallory, bob)).not.toBe(safetyNumber(alice, bob));
  });

  it('groups digits by five for reading aloud', () => {
    expect(groupDigits('123456789012')).toBe('12345 67890 12');
  });
});
