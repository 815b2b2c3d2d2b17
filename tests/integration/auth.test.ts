import { afterEach, describe, expect, it } from 'vitest';
import { io as connectClient } from 'socket.io-client';
import { hexToBytes } from '../../shared/crypto/bytes';
import {
  decodeBytes,
  encodeBytes,
  sessionStatement,
  userIdOf,
  verifySignature,
} from '../../shared/crypto/identity';
import type { SessionStart } from '../../shared/protocol/socket';
import {
  createIdentityKeys,
  publicIdentity,
  signSessionChallenge,
  type IdentityKeys,
} from '../../extension/lib/crypto/identity';
import { originOf, signIn } from '../support/identity';
import { openPeerjsSocket } from '../support/peerjs-socket';
import { connect, startTestServer, useTestServer, type TestClient } from '../support/server';

const fixture = useTestServer();
const client = (): Promise<TestClient> => fixture.client();
const clientsToClose: TestClient[] = [];
afterEach(() => {
  for (const socket of clientsToClose.splice(0)) socket.close();
});

/**
 * A correctly signed session:start for `socket`'s current challenge, as the engine would send it: for the server
 * `socket` connected to, unless `origin` says the signer believed it was talking to another.
 */
async function signedStart(
  socket: TestClient,
  keys: IdentityKeys,
  name: string,
  origin = originOf(socket),
): Promise<SessionStart> {
  const challenge = await socket.emitWithAck('session:challenge', {});
  if (!challenge.ok) throw new Error(challenge.error.message);
  const nonce = decodeBytes(challenge.data.challenge);
  return {
    identity: publicIdentity(keys),
    origin,
    name,
    challenge: challenge.data.challenge,
    signature: signSessionChallenge(keys, { origin, challenge: nonce, name }),
  };
}

describe('authentication by identity key', () => {
  it('refuses a session without a challenge', async () => {
    const socket = await client();
    const keys = createIdentityKeys();
    const start = await signedStart(await client(), keys, 'Alice'); // challenge issued to another connection
    const result = await socket.emitWithAck('session:start', start);
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(result.ok || result.error.message).toContain('session:challenge');
  });

  it('refuses a replayed answer: on another connection, and on the same one after a failed try', async () => {
    const keys = createIdentityKeys();
    const victim = await client();
    const captured = await signedStart(victim, keys, 'Alice');

    const attacker = await client();
    await attacker.emitWithAck('session:challenge', {});
    const replayed = await attacker.emitWithAck('session:start', captured);
    expect(replayed).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });

    // The victim's challenge is single use: a failed attempt spends it too. (A cheap failure, a wrong origin:
    // one that fails verification closes the connection, see door-failed-sign-ins.test.ts.)
    const tampered = await victim.emitWithAck('session:start', { ...captured, origin: 'https://m.example' });
    expect(tampered).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const again = await victim.emitWithAck('session:start', captured);
    expect(again).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it("refuses someone claiming another user's identity key without its secret", async () => {
    const alice = createIdentityKeys();
    const mallory = createIdentityKeys();
    const socket = await client();
    const start = await signedStart(socket, mallory, 'Alice');
    const result = await socket.emitWithAck('session:start', { ...start, identity: publicIdentity(alice) });
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('refuses an identity whose exchange key its signing key did not vouch for', async () => {
    const keys = createIdentityKeys();
    const socket = await client();
    const start = await signedStart(socket, keys, 'Alice');
    const foreign = publicIdentity(createIdentityKeys()).exchangeKey;
    const result = await socket.emitWithAck('session:start', {
      ...start,
      identity: { ...start.identity, exchangeKey: foreign },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('refuses a name registered to another key, and lets its owner back in', async () => {
    const alice = createIdentityKeys();
    expect((await signIn(await client(), 'Alice', alice)).ok).toBe(true);
    const impostor = await signIn(await client(), 'alice');
    expect(impostor).toMatchObject({ ok: false, error: { code: 'name-taken' } });
    expect((await signIn(await client(), 'Alice', alice)).ok).toBe(true);
  });

  it('binds the peer id to the key: a ticket opens the PeerJS socket only for the id derived from it', async () => {
    const alice = await signIn(await client(), 'Alice');
    const bob = await signIn(await client(), 'Bob');
    if (!alice.ok || !bob.ok) throw new Error('sign-in failed');
    const stolen = await openPeerjsSocket(fixture.server.url, bob.data.self.userId, alice.data.peer.ticket);
    expect(await stolen.nextFrame()).toMatchObject({ type: 'ERROR' });
    const own = await openPeerjsSocket(fixture.server.url, alice.data.self.userId, alice.data.peer.ticket);
    expect(await own.nextFrame()).toEqual({ type: 'OPEN' });
    own.ws.close();
  });

  it('refuses an answer a malicious server relayed: the victim signed for that server, not this one', async () => {
    // M, the server the victim uses, takes a challenge from S on its own connection and has the victim sign it.
    for (const evil of ['https://m.example', 'http://localhost:4999']) {
      // A fresh connection each time: the lie below fails verification, which closes the connection.
      const relay = await client();
      const start = await signedStart(relay, createIdentityKeys(), 'Alice', evil);
      const result = await relay.emitWithAck('session:start', start);
      expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      expect(result.ok || result.error.message).toContain(`this sign-in is for ${evil}, not for this server`);

      // Claiming S's origin instead does not help: the victim's signature names M.
      const lied = await signedStart(relay, createIdentityKeys(), 'Alice', evil);
      const result2 = await relay.emitWithAck('session:start', { ...lied, origin: originOf(relay) });
      expect(result2).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      expect(result2.ok || result2.error.message).toContain('signature does not match');
    }
    // The honest sign-in, signed for S, still works.
    expect((await signIn(await client(), 'Alice')).ok).toBe(true);
  });

  it('does not take the Host header as proof: without PUBLIC_URL only loopback origins sign in', async () => {
    // A relay can send any Host it likes; S, knowing no public name, refuses every origin but its local one.
    const relay: TestClient = connectClient(fixture.server.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { host: 'm.example' },
    });
    clientsToClose.push(relay);
    await new Promise((resolve) => relay.once('connect', () => resolve(undefined)));
    const start = await signedStart(relay, createIdentityKeys(), 'Alice', 'http://m.example');
    const result = await relay.emitWithAck('session:start', start);
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(result.ok || result.error.message).toContain('PUBLIC_URL');
  });

  it('with PUBLIC_URL, accepts sign-ins for that origin only (behind a proxy, the connection says nothing)', async () => {
    const server = await startTestServer({ publicOrigin: 'https://chat.example.org' });
    try {
      const socket = await connect(server.url);
      clientsToClose.push(socket);
      const local = await signIn(socket, 'Alice');
      expect(local).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      expect(local.ok || local.error.message).toContain('this server is https://chat.example.org');
      expect((await signIn(socket, 'Alice', createIdentityKeys(), 'https://chat.example.org')).ok).toBe(true);
    } finally {
      for (const socket of clientsToClose.splice(0)) socket.close();
      await server.close();
    }
  });

  it('verifies with node:crypto: refuses the malleable twin (S + L) of a valid answer, which tweetnacl accepts', async () => {
    const socket = await client();
    const start = await signedStart(socket, createIdentityKeys(), 'Alice');
    const twin = decodeBytes(start.signature);
    const L = hexToBytes('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
    let carry = 0;
    for (let i = 0; i < 32; i++) {
      const sum = (twin[32 + i] ?? 0) + (L[i] ?? 0) + carry;
      twin[32 + i] = sum & 0xff;
      carry = sum >> 8;
    }
    // Sanity: the twin is valid to tweetnacl (the server's verifier before it used node:crypto).
    const statement = sessionStatement({
      origin: start.origin,
      challenge: decodeBytes(start.challenge),
      userId: userIdOf(decodeBytes(start.identity.signingKey)),
      name: 'Alice',
    });
    expect(carry).toBe(0);
    expect(verifySignature(statement, encodeBytes(twin), start.identity.signingKey)).toBe(true);
    const result = await socket.emitWithAck('session:start', { ...start, signature: encodeBytes(twin) });
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('refuses a garbled signature with a clear error', async () => {
    const socket = await client();
    const start = await signedStart(socket, createIdentityKeys(), 'Alice');
    const result = await socket.emitWithAck('session:start', {
      ...start,
      signature: encodeBytes(new Uint8Array(64)),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(result.ok || result.error.message).toContain('signature');
  });
});
