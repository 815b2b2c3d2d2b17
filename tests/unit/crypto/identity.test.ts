import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
  PublicIdentitySchema,
  ServerOriginSchema,
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

  it('signs a session statement that verifies only for that server, challenge, user and name', () => {
    const keys = createIdentityKeys();
    const claim = {
      origin: 'https://signal.example.org',
      challenge: nacl.randomBytes(32),
      userId: userIdOfKeys(keys),
      name: 'Alice',
    };
    const signature = signSessionChallenge(keys, claim);
    const signingKey = publicIdentity(keys).signingKey;
    const verifies = (changed: Partial<typeof claim>, key = signingKey): boolean =>
      verifySignature(sessionStatement({ ...claim, ...changed }), signature, key);
    expect(verifies({})).toBe(true);
    expect(verifies({ origin: 'https://evil.example' })).toBe(false);
    expect(verifies({ origin: 'http://signal.example.org' })).toBe(false);
    expect(verifies({ challenge: nacl.randomBytes(32) })).toBe(false);
    expect(verifies({ name: 'Mallory' })).toBe(false);
    expect(verifies({}, publicIdentity(createIdentityKeys()).signingKey)).toBe(false);
  });

  it('length-prefixes the fields of a session statement: text cannot move from one field to the next', () => {
    const base = { challenge: new Uint8Array(32), userId: '0'.repeat(32), name: 'b' };
    const a = sessionStatement({ ...base, origin: 'http://a', name: 'b' });
    const b = sessionStatement({ ...base, origin: 'http://ab', name: '' });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(a).toString('latin1')).toContain(
      'toolbar-messenger session v2\n\u0000\u0000\u0000\u0008http://a',
    );
  });

  it('accepts as an origin only scheme://host[:port] in lowercase, as new URL(url).origin gives it', () => {
    for (const url of [
      'https://signal.example.org/x',
      'http://LOCALHOST:3000',
      'http://[::1]:80',
      'https://xn--bcher-kva.example',
    ])
      expect(parse(ServerOriginSchema, new URL(url).origin).ok).toBe(true);
    for (const bad of ['https://signal.example.org/', 'HTTP://a', 'ftp://a', 'null', 'https://a:b@c', ''])
      expect(parse(ServerOriginSchema, bad).ok).toBe(false);
  });

  it('detects a change to any byte of a signature', () => {
    const keys = createIdentityKeys();
    const challenge = nacl.randomBytes(32);
    const claim = { origin: 'http://localhost:3000', challenge, name: 'Alice' };
    const statement = sessionStatement({ ...claim, userId: userIdOfKeys(keys) });
    const signature = decodeBytes(signSessionChallenge(keys, claim));
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
    const asSession = sessionStatement({ origin: '', challenge, userId: userIdOfKeys(keys), name: '' });
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
