import nacl from 'tweetnacl';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeBytes, signedPrekeyStatement } from '../../shared/crypto/identity';
import { MAX_PREKEY_CLAIMS_PER_MINUTE } from '../../shared/limits';
import type { PrekeysPublish } from '../../shared/protocol/prekeys';
import { createIdentityKeys, userIdOfKeys, type IdentityKeys } from '../../extension/lib/crypto/identity';
import { signIn } from '../support/identity';
import { connect, startTestServer, type TestClient, type TestServer } from '../support/server';

let server: TestServer;
const sockets: TestClient[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await server.close();
  vi.restoreAllMocks();
});

/** A signed prekey and one one-time prekey (id 1), signed by `keys`. */
function prekeys(keys: IdentityKeys): PrekeysPublish {
  const signed = nacl.box.keyPair().publicKey;
  return {
    signedPrekey: {
      id: 1,
      key: encodeBytes(signed),
      signature: encodeBytes(nacl.sign.detached(signedPrekeyStatement(signed), keys.signing.secretKey)),
    },
    oneTimePrekeys: [{ id: 1, key: encodeBytes(nacl.box.keyPair().publicKey) }],
  };
}

async function signedIn(name: string, keys: IdentityKeys = createIdentityKeys()): Promise<TestClient> {
  const socket = await connect(server.url);
  sockets.push(socket);
  const started = await signIn(socket, name, keys);
  if (!started.ok) throw new Error(started.error.message);
  return socket;
}

/** A user who published one one-time prekey; returns their user id. */
async function publisher(name: string): Promise<string> {
  const keys = createIdentityKeys();
  const socket = await signedIn(name, keys);
  expect(await socket.emitWithAck('prekeys:publish', prekeys(keys))).toEqual({
    ok: true,
    data: { oneTimePrekeys: 1 },
  });
  return userIdOfKeys(keys);
}

describe('prekey claims per claimer, of anyone', () => {
  it('gives one claimer one-time prekeys at most MAX_PREKEY_CLAIMS_PER_MINUTE times a minute, any users; another claimer still gets one', async () => {
    // The claimer's window is a fixed minute from the epoch: the clock is moved to just after a minute begins,
    // so that the claims below cannot straddle two windows.
    const realNow = Date.now.bind(Date);
    const shift = (realNow() % 60_000) - 500;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() - shift);

    server = await startTestServer();
    const targets = await Promise.all(
      Array.from({ length: MAX_PREKEY_CLAIMS_PER_MINUTE + 1 }, (_, i) => publisher(`Target ${i}`)),
    );
    const mallory = await signedIn('Mallory');
    const minute = () => Math.floor(Date.now() / 60_000);
    const firstMinute = minute();
    const claimed: (number | undefined)[] = [];
    for (const userId of targets) {
      const bundle = await mallory.emitWithAck('prekeys:claim', { userId });
      // Past the limit a bundle still comes (X3DH works without a one-time prekey), only without one.
      expect(bundle).toMatchObject({ ok: true, data: { userId } });
      claimed.push(bundle.ok ? bundle.data.oneTimePrekey?.id : -1);
    }
    expect(minute()).toBe(firstMinute); // the claims shared one window
    expect(claimed).toEqual([...Array.from({ length: MAX_PREKEY_CLAIMS_PER_MINUTE }, () => 1), undefined]);

    // The last target's one-time prekey was kept, and goes to a claimer within their own limit.
    const alice = await signedIn('Alice');
    const last = targets.at(-1) ?? '';
    expect(await alice.emitWithAck('prekeys:claim', { userId: last })).toMatchObject({
      ok: true,
      data: { userId: last, oneTimePrekey: { id: 1 } },
    });
  });
});
