import nacl from 'tweetnacl';
import { describe, expect, it, vi } from 'vitest';
import { hexToBytes } from '../../../shared/crypto/bytes';
import {
  KeyAgreementError,
  chooseX25519,
  diffieHellman,
  tweetnaclX25519,
  webCryptoX25519,
  x25519Backend,
  type KeyPair,
} from '../../../extension/lib/crypto/dh';

const native = webCryptoX25519(globalThis.crypto.subtle);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// RFC 7748, section 6.1.
const RFC_ALICE: KeyPair = {
  secretKey: hexToBytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
  publicKey: hexToBytes('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'),
};
const RFC_BOB_PUBLIC = hexToBytes('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
const RFC_SHARED = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';

describe('X25519: WebCrypto and tweetnacl are the same function', () => {
  it('Node has it natively, so the engine uses WebCrypto here', async () => {
    expect((await x25519Backend()).native).toBe(true);
  });

  it('both give the RFC 7748 shared secret', async () => {
    expect(hex(await native.agree(RFC_ALICE, RFC_BOB_PUBLIC))).toBe(RFC_SHARED);
    expect(hex(await tweetnaclX25519.agree(RFC_ALICE, RFC_BOB_PUBLIC))).toBe(RFC_SHARED);
  });

  it('agree on random keys, whichever made them', async () => {
    for (let round = 0; round < 20; round++) {
      const fromWebCrypto = await native.keyPair();
      const fromTweetnacl = nacl.box.keyPair();
      // A WebCrypto key pair is a tweetnacl key pair: the same public key from the same secret.
      expect(hex(nacl.scalarMult.base(fromWebCrypto.secretKey))).toBe(hex(fromWebCrypto.publicKey));
      const expected = hex(nacl.scalarMult(fromTweetnacl.secretKey, fromWebCrypto.publicKey));
      expect(hex(await native.agree(fromWebCrypto, fromTweetnacl.publicKey))).toBe(expected);
      expect(hex(await native.agree(fromTweetnacl, fromWebCrypto.publicKey))).toBe(expected);
      expect(hex(await tweetnaclX25519.agree(fromWebCrypto, fromTweetnacl.publicKey))).toBe(expected);
    }
  });

  it('refuses a low-order public key with either backend (an all-zero secret is never used)', async () => {
    const own = nacl.box.keyPair();
    const lowOrder = [
      new Uint8Array(32),
      hexToBytes('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800'),
    ];
    for (const remote of lowOrder) {
      await expect(diffieHellman(own, remote)).rejects.toThrow(KeyAgreementError);
      expect(hex(await tweetnaclX25519.agree(own, remote))).toBe('00'.repeat(32));
      expect(hex(await native.agree(own, remote))).toBe('00'.repeat(32));
    }
    await expect(diffieHellman(own, new Uint8Array(31))).rejects.toThrow(KeyAgreementError);
  });

  it('falls back to tweetnacl where WebCrypto has no X25519, or none at all', async () => {
    const withoutX25519 = {
      generateKey: () => Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError')),
    } as unknown as SubtleCrypto;
    expect(await chooseX25519(withoutX25519)).toBe(tweetnaclX25519);
    expect(await chooseX25519(undefined)).toBe(tweetnaclX25519);
  });
});

describe('X25519 through WebCrypto, made quick for a ratchet step', () => {
  it('hands out a key pair made ahead, a new one each time, and imports a remote key once for two agreements', async () => {
    const subtle = globalThis.crypto.subtle;
    const imports = vi.spyOn(subtle, 'importKey');
    const generated = vi.spyOn(subtle, 'generateKey');
    const native = webCryptoX25519(subtle);
    const first = await native.keyPair();
    expect(generated).toHaveBeenCalledTimes(2); // the one asked for, and the next one
    const second = await native.keyPair();
    expect(nacl.verify(first.publicKey, second.publicKey)).toBe(false);
    const remote = nacl.box.keyPair();
    imports.mockClear();
    const [a, b] = [
      await native.agree(first, remote.publicKey),
      await native.agree(second, remote.publicKey),
    ];
    expect(imports).toHaveBeenCalledTimes(1); // the remote key; our own private keys were kept when made
    expect(a).toEqual(nacl.scalarMult(remote.secretKey, first.publicKey));
    expect(b).toEqual(nacl.scalarMult(remote.secretKey, second.publicKey));
    vi.restoreAllMocks();
  });
});
