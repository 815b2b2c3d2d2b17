import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
  PublicIdentitySchema,
  decodeBytes,
  encodeBytes,
  sessionStatement,
  userIdOf,
  verifyPublicIdentity,
  verifySignature,
} from '../../../shared/crypto/identity';
import { parse } from '../../../shared/validate';
import {
  createIdentityKeys,
  publicIdentity,
  signSessionChallenge,
  userIdOfKeys,
} from '../../../extension/lib/crypto/identity';

describe('identity keys', () => {
  it('derives the user id as the first 128 bits of SHA-512 of the signing key (known answer)', () => {
    // Ed25519 key of the seed 0x01 * 32; the expected digest was computed with Python's hashlib, not tweetnacl.
    const signingKey = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(1)).publicKey;
    expect(Buffer.from(signingKey).toString('hex')).toBe(
      '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c',
    );
    expect(userIdOf(signingKey)).toBe('3784728ae7309eab0a5db90cb18b80bd');
  });

  it('publishes an identity whose exchange key is vouched for by its signing key', () => {
    const identity = publicIdentity(createIdentityKeys());
    expect(parse(PublicIdentitySchema, identity).ok).toBe(true);
    expect(verifyPublicIdentity(identity)).toBe(true);
    const other = publicIdentity(createIdentityKeys());
    expect(verifyPublicIdentity({ ...identity, exchangeKey: other.exchangeKey })).toBe(false);
  });

  it('signs a session statement that verifies only for that challenge, user and name', () => {
    const keys = createIdentityKeys();
    const challenge = nacl.randomBytes(32);
    const signature = signSessionChallenge(keys, challenge, 'Alice');
    const signingKey = publicIdentity(keys).signingKey;
    const userId = userIdOfKeys(keys);
    expect(verifySignature(sessionStatement(challenge, userId, 'Alice'), signature, signingKey)).toBe(true);
    expect(
      verifySignature(sessionStatement(nacl.randomBytes(32), userId, 'Alice'), signature, signingKey),
    ).toBe(false);
    expect(verifySignature(sessionStatement(challenge, userId, 'Mallory'), signature, signingKey)).toBe(
      false,
    );
    expect(
      verifySignature(
        sessionStatement(challenge, userId, 'Alice'),
        signature,
        publicIdentity(createIdentityKeys()).signingKey,
      ),
    ).toBe(false);
  });

  it('detects a change to any byte of a signature', () => {
    const keys = createIdentityKeys();
    const challenge = nacl.randomBytes(32);
    const statement = sessionStatement(challenge, userIdOfKeys(keys), 'Alice');
    const signature = decodeBytes(signSessionChallenge(keys, challenge, 'Alice'));
    const signingKey = publicIdentity(keys).signingKey;
    for (let i = 0; i < signature.length; i++) {
      const tampered = signature.slice();
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      expect(verifySignature(statement, encodeBytes(tampered), signingKey)).toBe(false);
    }
  });

  it('keeps statements of different purposes apart (domain separation)', () => {
    const keys = createIdentityKeys();
    // A signature over the exchange key must not pass as a session statement, and the other way round.
    const identity = publicIdentity(keys);
    const challenge = decodeBytes(identity.exchangeKey);
    const asSession = sessionStatement(challenge, userIdOfKeys(keys), '');
    expect(verifySignature(asSession, identity.exchangeKeySignature, identity.signingKey)).toBe(false);
  });

  it('refuses keys of the wrong length or encoding', () => {
    const identity = publicIdentity(createIdentityKeys());
    for (const bad of [
      { ...identity, signingKey: identity.signingKey.slice(1) },
      { ...identity, exchangeKey: 'a+b/' },
    ]) {
      expect(parse(PublicIdentitySchema, bad).ok).toBe(false);
    }
  });
});
