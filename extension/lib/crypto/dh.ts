/**
 * X25519 (RFC 7748): the browser's native WebCrypto where it has it (Chrome ≥ 133, Firefox ≥ 130, Node ≥ 20),
 * tweetnacl where it does not. The same function either way; native is 10–20× faster, and each change of
 * direction in a ratchet costs three of these. Which one is used is decided once, by a real agreement checked
 * against tweetnacl.
 */
import nacl from 'tweetnacl';
import { decodeBytes, encodeBytes } from '../../../shared/crypto/identity';

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Why a key agreement failed; nothing was changed. */
export class KeyAgreementError extends Error {
  override readonly name = 'KeyAgreementError';
}

const KEY_LENGTH = 32; // bytes: X25519 public and secret keys, and the shared secret
const X25519 = { name: 'X25519' } as const;

export interface X25519Backend {
  readonly native: boolean;
  keyPair(): Promise<KeyPair>;
  /** The raw agreement; an all-zero output is refused by the caller. */
  agree(own: KeyPair, remote: Uint8Array): Promise<Uint8Array>;
}

export const tweetnaclX25519: X25519Backend = {
  native: false,
  keyPair: () => Promise.resolve(nacl.box.keyPair()),
  agree: (own, remote) => Promise.resolve(nacl.scalarMult(own.secretKey, remote)),
};

/** WebCrypto wants buffers it owns: a copy, typed as such. */
const buffer = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

export function webCryptoX25519(subtle: SubtleCrypto): X25519Backend {
  // Own key pairs live for many messages (a ratchet key, the identity key): import each once.
  const privateKeys = new WeakMap<KeyPair, Promise<CryptoKey>>();
  const privateKeyOf = (own: KeyPair): Promise<CryptoKey> => {
    let key = privateKeys.get(own);
    if (!key) {
      // JWK, since Node 20 cannot import a raw X25519 private key; browsers take it as well.
      const jwk: JsonWebKey = {
        kty: 'OKP',
        crv: 'X25519',
        d: encodeBytes(own.secretKey),
        x: encodeBytes(own.publicKey),
      };
      key = subtle.importKey('jwk', jwk, X25519, false, ['deriveBits']);
      privateKeys.set(own, key);
    }
    return key;
  };
  // A ratchet step agrees twice with the same remote key (see ratchet.ts dhRatchet): import it once.
  const publicKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
  const publicKeyOf = (remote: Uint8Array): Promise<CryptoKey> => {
    let key = publicKeys.get(remote);
    if (!key) {
      key = subtle.importKey('raw', buffer(remote), X25519, false, []).catch(() => {
        throw new KeyAgreementError('the remote public key is invalid');
      });
      publicKeys.set(remote, key);
    }
    return key;
  };
  const generate = async (): Promise<KeyPair> => {
    const generated = await subtle.generateKey(X25519, true, ['deriveBits']);
    const [publicKey, jwk] = await Promise.all([
      subtle.exportKey('raw', generated.publicKey),
      subtle.exportKey('jwk', generated.privateKey),
    ]);
    if (!jwk.d) throw new Error('x25519KeyPair: the browser exported a private key without its secret');
    const pair: KeyPair = {
      publicKey: new Uint8Array(publicKey),
      secretKey: decodeBytes(jwk.d),
    };
    privateKeys.set(pair, Promise.resolve(generated.privateKey));
    return pair;
  };
  // The next key pair is made ahead, while nothing waits: a ratchet step then takes one that is ready.
  let spare: Promise<KeyPair> | undefined;
  return {
    native: true,
    keyPair() {
      const next = spare ?? generate();
      const made = generate();
      spare = made;
      made.catch(() => {
        if (spare === made) spare = undefined; // made again on the next call
      });
      return next;
    },
    async agree(own, remote) {
      const [privateKey, publicKey] = await Promise.all([privateKeyOf(own), publicKeyOf(remote)]);
      try {
        return new Uint8Array(await subtle.deriveBits({ ...X25519, public: publicKey }, privateKey, 256));
      } catch (error) {
        // WebCrypto refuses an all-zero output (a low-order public key) rather than return it.
        if (error instanceof DOMException && error.name === 'OperationError')
          return new Uint8Array(KEY_LENGTH);
        throw error;
      }
    },
  };
}

/** Native only if `subtle` has X25519 and it agrees with tweetnacl on a real agreement. */
export async function chooseX25519(subtle: SubtleCrypto | undefined): Promise<X25519Backend> {
  if (!subtle) return tweetnaclX25519;
  try {
    const native = webCryptoX25519(subtle);
    const [ours, theirs] = [await native.keyPair(), nacl.box.keyPair()];
    const agreed = await native.agree(ours, theirs.publicKey);
    return nacl.verify(agreed, nacl.scalarMult(theirs.secretKey, ours.publicKey)) ? native : tweetnaclX25519;
  } catch {
    return tweetnaclX25519; // no X25519 in this browser's WebCrypto
  }
}

let chosen: Promise<X25519Backend> | undefined;

/** The backend this context uses, decided on first use. */
export function x25519Backend(): Promise<X25519Backend> {
  chosen ??= chooseX25519(globalThis.crypto.subtle);
  return chosen;
}

/** A fresh X25519 key pair. */
export async function generateKeyPair(): Promise<KeyPair> {
  return (await x25519Backend()).keyPair();
}

/** X25519. A low-order public key gives an all-zero secret: fail closed rather than derive from it. */
export async function diffieHellman(own: KeyPair, publicKey: Uint8Array): Promise<Uint8Array> {
  if (publicKey.length !== KEY_LENGTH) throw new KeyAgreementError('the remote public key is invalid');
  const shared = await (await x25519Backend()).agree(own, publicKey);
  if (shared.every((byte) => byte === 0)) throw new KeyAgreementError('the remote public key is invalid');
  return shared;
}
