import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { encodeBytes, signedPrekeyStatement } from '../../../shared/crypto/identity';
import type { PrekeyBundle } from '../../../shared/protocol/prekeys';
import { createIdentityKeys, publicIdentity, userIdOfKeys } from '../../../extension/lib/crypto/identity';
import { initiateX3dh, respondX3dh } from '../../../extension/lib/crypto/x3dh';

function bob(withOneTime: boolean) {
  const keys = createIdentityKeys();
  const signed = nacl.box.keyPair();
  const oneTime = nacl.box.keyPair();
  const bundle: PrekeyBundle = {
    userId: userIdOfKeys(keys),
    identity: publicIdentity(keys),
    signedPrekey: {
      id: 1,
      key: encodeBytes(signed.publicKey),
      signature: encodeBytes(
        nacl.sign.detached(signedPrekeyStatement(signed.publicKey), keys.signing.secretKey),
      ),
    },
    ...(withOneTime ? { oneTimePrekey: { id: 2, key: encodeBytes(oneTime.publicKey) } } : {}),
  };
  return { keys, signed, oneTime, bundle };
}

describe('X3DH', () => {
  it.each([true, false])(
    'gives both sides the same secret and associated data (one-time prekey: %s)',
    async (withOneTime) => {
      const alice = createIdentityKeys();
      const b = bob(withOneTime);
      const started = await initiateX3dh(alice, b.bundle, b.bundle.userId);
      const answered = await respondX3dh(
        b.keys,
        started.header,
        b.signed,
        withOneTime ? b.oneTime : undefined,
      );
      expect(answered.sharedSecret).toEqual(started.sharedSecret);
      expect(answered.associatedData).toEqual(started.associatedData);
      // Without the one-time prekey the responder would derive another secret.
      if (withOneTime)
        expect((await respondX3dh(b.keys, started.header, b.signed, undefined)).sharedSecret).not.toEqual(
          started.sharedSecret,
        );
    },
  );

  it('refuses a signed prekey not signed by the identity key, and a bundle for someone else', async () => {
    const alice = createIdentityKeys();
    const b = bob(true);
    const forged = {
      ...b.bundle,
      signedPrekey: { ...b.bundle.signedPrekey, key: encodeBytes(nacl.box.keyPair().publicKey) },
    };
    await expect(initiateX3dh(alice, forged, b.bundle.userId)).rejects.toThrow(
      'not signed by the identity key',
    );
    await expect(initiateX3dh(alice, b.bundle, userIdOfKeys(createIdentityKeys()))).rejects.toThrow(
      'another user',
    );
  });
});
