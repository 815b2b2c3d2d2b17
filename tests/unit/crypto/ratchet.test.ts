import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../../shared/crypto/identity';
import { MAX_SKIPPED_MESSAGE_KEYS } from '../../../shared/limits';
import { EnvelopeSchema, type Envelope } from '../../../shared/protocol/envelope';
import { parse } from '../../../shared/validate';
import {
  RatchetError,
  initiateRatchet,
  kdfChain,
  kdfRoot,
  ratchetDecrypt,
  ratchetEncrypt,
  respondRatchet,
  type RatchetState,
} from '../../../extension/lib/crypto/ratchet';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const read = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const AD = text('alice-identity|bob-identity');

/** Alice (initiator) and Bob (responder) sharing a secret, as a key agreement would leave them. */
async function pair(): Promise<{ alice: RatchetState; bob: RatchetState }> {
  const secret = nacl.randomBytes(32);
  const bobRatchetKey = nacl.box.keyPair();
  return {
    alice: await initiateRatchet(secret, bobRatchetKey.publicKey),
    bob: respondRatchet(secret, bobRatchetKey),
  };
}

/** A conversation: each side's state moves forward as it sends and receives. */
class Session {
  constructor(
    public alice: RatchetState,
    public bob: RatchetState,
  ) {}
  static async start(): Promise<Session> {
    const { alice, bob } = await pair();
    return new Session(alice, bob);
  }
  send(from: 'alice' | 'bob', message: string): Envelope {
    const { state, envelope } = ratchetEncrypt(this[from], text(message), AD);
    this[from] = state;
    return envelope;
  }
  async receive(to: 'alice' | 'bob', envelope: Envelope, ad: Uint8Array = AD): Promise<string> {
    const { state, plaintext } = await ratchetDecrypt(this[to], envelope, ad);
    this[to] = state;
    return read(plaintext);
  }
}

describe('ratchet key derivation (known answers, computed independently with Python hmac and hashlib)', () => {
  it('KDF_CK: HMAC-SHA-256 of the chain key with 0x02 (next chain) and 0x01 (message key)', () => {
    const [next, message] = kdfChain(new Uint8Array(32));
    expect(hex(next)).toBe('4ee7be0c7872360ca67414608081e9bd60fd580a7bbd209701d2a5a0b4316d0d');
    expect(hex(message)).toBe('3d7afb663124ecbf2c953f863d4fc8796eeb2d372b64aad58697ec5264649cdb');
  });

  it('KDF_RK: HKDF-SHA-256 with the root key as salt and the DH output as input', () => {
    const [root, chain] = kdfRoot(new Uint8Array(32), new Uint8Array(32).fill(1));
    expect(hex(root)).toBe('92ec2460cd060cc9462a64f43fde8dfe42f297f2890e12d1879b0b490ad1f96d');
    expect(hex(chain)).toBe('9f1eee9657ce8b10d314ed92e086c457b489712a81f6b6c88108842341791511');
  });
});

describe('Double Ratchet', () => {
  it('carries messages both ways over several turns, in valid version-1 envelopes', async () => {
    const session = await Session.start();
    for (let turn = 0; turn < 3; turn++) {
      const a = session.send('alice', `alice ${turn}`);
      expect(parse(EnvelopeSchema, a).ok).toBe(true);
      expect(await session.receive('bob', a)).toBe(`alice ${turn}`);
      expect(await session.receive('alice', session.send('bob', `bob ${turn}`))).toBe(`bob ${turn}`);
    }
  });

  it('does not let the responder send first', async () => {
    const { bob } = await pair();
    expect(() => ratchetEncrypt(bob, text('too early'), AD)).toThrow(RatchetError);
  });

  it('opens messages that arrive out of order, across ratchet steps', async () => {
    const session = await Session.start();
    const first = ['a0', 'a1', 'a2', 'a3'].map((m) => session.send('alice', m));
    expect(await session.receive('bob', first[3] as Envelope)).toBe('a3');
    expect(await session.receive('alice', session.send('bob', 'b0'))).toBe('b0');
    const second = session.send('alice', 'a4'); // new ratchet step on Alice's side
    expect(await session.receive('bob', second)).toBe('a4');
    // The older chain's messages still open, in any order.
    expect(await session.receive('bob', first[1] as Envelope)).toBe('a1');
    expect(await session.receive('bob', first[0] as Envelope)).toBe('a0');
    expect(await session.receive('bob', first[2] as Envelope)).toBe('a2');
  });

  it('goes on after lost messages', async () => {
    const session = await Session.start();
    session.send('alice', 'lost 1');
    session.send('alice', 'lost 2');
    expect(await session.receive('bob', session.send('alice', 'arrives'))).toBe('arrives');
    expect(session.bob.skipped.size).toBe(2);
  });

  it('refuses a duplicate: each message key opens one message, then is gone (forward secrecy)', async () => {
    const session = await Session.start();
    const envelope = session.send('alice', 'once');
    expect(await session.receive('bob', envelope)).toBe('once');
    await expect(session.receive('bob', envelope)).rejects.toThrow(RatchetError);
    const late = session.send('alice', 'skipped then opened');
    await session.receive('bob', session.send('alice', 'after'));
    expect(await session.receive('bob', late)).toBe('skipped then opened');
    await expect(session.receive('bob', late)).rejects.toThrow(RatchetError);
  });

  it('detects a change to any byte of the ciphertext or any field of the header, and keeps its state', async () => {
    const session = await Session.start();
    const envelope = session.send('alice', 'tamper with me');
    const before = session.bob;
    const ciphertext = Buffer.from(envelope.ciphertext, 'base64url');
    for (let i = 0; i < ciphertext.length; i++) {
      const altered = Buffer.from(ciphertext);
      altered[i] = (altered[i] ?? 0) ^ 0x01;
      await expect(
        ratchetDecrypt(before, { ...envelope, ciphertext: altered.toString('base64url') }, AD),
      ).rejects.toThrow(RatchetError);
    }
    const otherKey = encodeBytes(nacl.box.keyPair().publicKey);
    for (const header of [
      { ...envelope.header, n: 1 },
      { ...envelope.header, pn: 1 },
      { ...envelope.header, dh: otherKey },
    ]) {
      await expect(ratchetDecrypt(before, { ...envelope, header }, AD)).rejects.toThrow(RatchetError);
    }
    // Another conversation context (associated data) does not open it either.
    await expect(ratchetDecrypt(before, envelope, text('mallory|bob'))).rejects.toThrow(RatchetError);
    expect(session.bob).toBe(before);
    expect(await session.receive('bob', envelope)).toBe('tamper with me');
  });

  it(`refuses to skip more than ${MAX_SKIPPED_MESSAGE_KEYS} messages`, async () => {
    const session = await Session.start();
    const envelope = session.send('alice', 'far ahead');
    const forged = { ...envelope, header: { ...envelope.header, n: MAX_SKIPPED_MESSAGE_KEYS + 1 } };
    await expect(session.receive('bob', forged)).rejects.toThrow(/more than 1000 messages/);
    expect(await session.receive('bob', envelope)).toBe('far ahead');
  });

  it('heals after a compromise: once a ratchet key made after it has gone round, a stolen state reads nothing more', async () => {
    const session = await Session.start();
    await session.receive('bob', session.send('alice', 'before'));
    const stolen = session.bob; // an attacker copies Bob's whole state here, ratchet secret included
    // Until Bob's ratchet moves past the key he held then, the attacker reads along: that is the compromise.
    await session.receive('alice', session.send('bob', 'reply'));
    const exposed = session.send('alice', 'exposed');
    expect(read((await ratchetDecrypt(stolen, exposed, AD)).plaintext)).toBe('exposed');
    await session.receive('bob', exposed); // Bob now makes a fresh ratchet key pair the attacker never saw
    await session.receive('alice', session.send('bob', 'reply with the fresh key'));
    const healed = session.send('alice', 'after healing');
    expect(await session.receive('bob', healed)).toBe('after healing');
    await expect(ratchetDecrypt(stolen, healed, AD)).rejects.toThrow(RatchetError);
  });
});
