import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, fail, ok, type Result } from '../../../shared/errors';
import { randomId, type UserId } from '../../../shared/ids';
import type { PeerFrame, SealedFrame } from '../../../shared/protocol/peer';
import type { PrekeysClaimSchema, PrekeysPublish } from '../../../shared/protocol/prekeys';
import { encodeBytes, sessionStatement, verifySignature } from '../../../shared/crypto/identity';
import { safetyNumber } from '../../../shared/crypto/safety-number';
import type {
  PeerTicket,
  RequestEvent,
  ResponseMap,
  SessionStart,
  User,
} from '../../../shared/protocol/socket';
import { publicIdentity, userIdOfKeys, type IdentityKeys } from '../../../extension/lib/crypto/identity';
import { createEngine, type Engine } from '../../../extension/lib/engine/engine';
import { createSessions, type Sessions } from '../../../extension/lib/engine/sessions';
import type { ChatMessage, EngineState } from '../../../extension/lib/messaging/protocol';
import type { UnlockedVault } from '../../../extension/lib/storage/vault-storage';
import type { MeshOptions, PeerMesh } from '../../../extension/lib/transport/peers';
import type { SignalingHandlers } from '../../../extension/lib/transport/signaling';
import { memoryStores } from '../../support/stores';
import { claimFrom, publishTo } from '../../support/prekeys';
import { FAST_KDF, testVaultStorage } from '../../support/vault';
import type * as v from 'valibot';

const PASSPHRASE = 'correct horse battery';
const SERVER = 'http://localhost:3000';
const prekeyServer = memoryStores().prekeys;

/** A contact with a real identity and sessions, publishing prekeys to the same (fake) server as the engine. */
async function contact(name: string): Promise<{ user: User; vault: UnlockedVault; sessions: Sessions }> {
  const vault = await testVaultStorage().create(PASSPHRASE);
  const keys = vault.identity;
  const userId = userIdOfKeys(keys);
  const sessions = createSessions({ keys, store: vault.sessions, claimBundle: claimFrom(prekeyServer) });
  await sessions.publishPrekeys(publishTo(prekeyServer, keys));
  return { user: { userId, name, signingKey: publicIdentity(keys).signingKey }, vault, sessions };
}

/** Fakes for the two transports, recording what the engine asked of them; real vault storage. */
class Fakes {
  readonly storage = testVaultStorage();
  /** The engine's identity once set up: what its published prekeys are filed under. */
  identity: IdentityKeys | undefined;
  badge: number[] = [];
  readonly challenge = new Uint8Array(32).fill(7);
  handlers: SignalingHandlers | undefined;
  mesh: MeshOptions | undefined;
  requests: { event: string; payload: unknown }[] = [];
  resumed: PeerTicket[] = [];
  connects: string[] = [];
  sent: { peerId: string; frame: PeerFrame }[] = [];
  sendFailure: Error | undefined;
  answers: Partial<{ [E in RequestEvent]: Result<ResponseMap[E]> }> = {};
  readonly counters = { connectionsCreated: 0 };

  engine(): Engine {
    return createEngine({
      storage: this.storage,
      backupKdf: FAST_KDF,
      showUnread: (count) => this.badge.push(count),
      connectSignaling: (_url, handlers) => {
        this.handlers = handlers;
        return {
          request: async (event, payload) => {
            this.requests.push({ event, payload });
            const answer = this.answers[event] ?? (await this.prekeys(event, payload));
            if (!answer) throw new Error(`no fake answer for ${event}`);
            return answer as never;
          },
          close: () => undefined,
        };
      },
      createMesh: (options) => {
        this.mesh = options;
        const counters = this.counters;
        const mesh: PeerMesh = {
          get connectionsCreated() {
            return counters.connectionsCreated;
          },
          resume: (ticket) => this.resumed.push(ticket),
          connect: (peerId) => this.connects.push(peerId),
          send: async (peerId, frame) => {
            if (this.sendFailure) throw this.sendFailure;
            this.sent.push({ peerId, frame });
          },
          destroy: () => undefined,
        };
        return mesh;
      },
    });
  }

  /** The prekey requests, answered by the server's own in-memory store. */
  private async prekeys(event: string, payload: unknown): Promise<Result<unknown> | undefined> {
    if (event === 'prekeys:publish' && this.identity)
      return publishTo(prekeyServer, this.identity)(payload as PrekeysPublish);
    if (event === 'prekeys:claim') {
      const { userId } = payload as v.InferOutput<typeof PrekeysClaimSchema>;
      const bundle = await prekeyServer.claim(userId);
      return bundle ? ok({ userId, ...bundle }) : fail(ErrorCode.NotFound, 'no prekeys');
    }
    return undefined;
  }
}

const ticket = (peerId: string): PeerTicket => ({ peerId, ticket: '1.x', expiresAt: 1 });

let fakes: Fakes;
beforeEach(() => {
  fakes = new Fakes();
});

async function onlineEngine(others: User[] = []) {
  const engine = fakes.engine();
  const states: EngineState[] = [];
  const messages: ChatMessage[] = [];
  engine.subscribe((name, data) =>
    name === 'state' ? states.push(data as EngineState) : messages.push(data as ChatMessage),
  );
  const bob = await contact('Bob');
  await engine.setUp({ name: 'Alice', serverUrl: SERVER, autoLockMinutes: 0, passphrase: PASSPHRASE });
  const vault = await fakes.storage.unlock(PASSPHRASE);
  fakes.identity = vault.identity;
  const userId = userIdOfKeys(vault.identity);
  const self = { userId, name: 'Alice', signingKey: publicIdentity(vault.identity).signingKey };
  fakes.answers['session:challenge'] = ok({ challenge: encodeBytes(fakes.challenge) });
  fakes.answers['session:start'] = ok({ self, online: [bob.user, ...others], peer: ticket(userId) });
  fakes.handlers?.onConnected();
  await vi.waitFor(() => expect(states.at(-1)?.connection.status).toBe('online'));
  // Prekeys published: others can now start sessions with Alice.
  await vi.waitFor(() => expect(fakes.requests.filter((r) => r.event === 'prekeys:publish')).toHaveLength(2));
  return { engine, states, messages, bob, self, vault };
}

/** What Bob's engine would put on the data channel to Alice. */
async function frameFrom(
  sender: { sessions: Sessions },
  to: UserId,
  text: string,
  id = randomId(),
): Promise<SealedFrame> {
  const content = { v: 1, kind: 'chat', id, text, sentAt: 5 };
  const message = await sender.sessions.seal(to, new TextEncoder().encode(JSON.stringify(content)));
  return { v: 1, kind: 'sealed', message };
}

describe('engine', () => {
  it('starts new: nothing is readable or sent before a passphrase is set', async () => {
    const engine = fakes.engine();
    await engine.start();
    const state = await engine.getState({});
    expect(state.vault).toBe('new');
    expect(state.connection.status).toBe('unconfigured');
    expect(fakes.handlers).toBeUndefined();
    await expect(engine.openConversation({ peerId: randomId() })).rejects.toMatchObject({ code: 'locked' });
  });

  it('sets up, proves its identity key on the challenge, publishes prekeys and opens the peer socket', async () => {
    const { engine, bob, self } = await onlineEngine();
    expect(fakes.requests.map((request) => request.event).slice(0, 2)).toEqual([
      'session:challenge',
      'session:start',
    ]);
    const start = fakes.requests[1]?.payload as SessionStart;
    expect(start.challenge).toBe(encodeBytes(fakes.challenge));
    const statement = sessionStatement(fakes.challenge, self.userId, 'Alice');
    expect(verifySignature(statement, start.signature, start.identity.signingKey)).toBe(true);
    const state = await engine.getState({});
    expect(state.settings).toEqual({
      name: 'Alice',
      serverUrl: SERVER,
      autoLockMinutes: 0,
      userId: self.userId,
    });
    expect(state.vault).toBe('unlocked');
    expect(fakes.resumed).toHaveLength(1);
    // No third-party STUN/TURN servers: nobody outside the two peers and our server learns of the call.
    expect(fakes.mesh?.iceServers).toEqual([]);
    expect(state.contacts).toEqual([{ userId: bob.user.userId, name: 'Bob', online: true }]);
  });

  it('locks: keys dropped, offline; a wrong passphrase is refused; the right one goes back online', async () => {
    const { engine } = await onlineEngine();
    const locked = await engine.lock({});
    expect(locked).toMatchObject({ vault: 'locked', settings: null, contacts: [] });
    await expect(engine.sendText({ peerId: randomId(), text: 'x' })).rejects.toMatchObject({
      code: 'locked',
    });
    await expect(engine.unlock({ passphrase: 'wrong horse' })).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    const unlocked = await engine.unlock({ passphrase: PASSPHRASE });
    expect(unlocked.vault).toBe('unlocked');
    expect(unlocked.connection.status).toBe('connecting');
  });

  it('locks by itself after the chosen idle time', async () => {
    const { engine } = await onlineEngine();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await engine.saveSettings({ name: 'Alice', serverUrl: SERVER, autoLockMinutes: 5 });
      vi.advanceTimersByTime(4 * 60_000);
      await engine.markRead({ peerId: randomId() }); // activity restarts the clock
      vi.advanceTimersByTime(4 * 60_000);
      expect((await engine.getState({})).vault).toBe('unlocked');
      vi.advanceTimersByTime(60_000);
      expect((await engine.getState({})).vault).toBe('locked');
    } finally {
      vi.useRealTimers();
    }
  });

  it('after a restart, is locked, and unlocks into the same identity, contacts and history', async () => {
    const { engine, bob, self } = await onlineEngine();
    await engine.sendText({ peerId: bob.user.userId, text: 'kept' });
    const restarted = fakes.engine();
    expect((await restarted.getState({})).vault).toBe('locked');
    const state = await restarted.unlock({ passphrase: PASSPHRASE });
    expect(state.settings?.userId).toBe(self.userId);
    expect(state.contacts.map((c) => c.name)).toEqual(['Bob']);
    expect((await restarted.openConversation({ peerId: bob.user.userId })).map((m) => m.text)).toEqual([
      'kept',
    ]);
  });

  it('shows the server refusing the session, with its reason', async () => {
    const engine = fakes.engine();
    await engine.setUp({ name: 'Alice', serverUrl: SERVER, autoLockMinutes: 0, passphrase: PASSPHRASE });
    fakes.answers['session:challenge'] = ok({ challenge: encodeBytes(fakes.challenge) });
    fakes.answers['session:start'] = fail(ErrorCode.NameTaken, 'The name "Alice" is in use');
    fakes.handlers?.onConnected();
    await vi.waitFor(async () =>
      expect((await engine.getState({})).connection).toEqual({
        status: 'offline',
        error: 'The name "Alice" is in use',
      }),
    );
  });

  it('links to a contact whose conversation is open as soon as they come online', async () => {
    const { engine, bob } = await onlineEngine();
    fakes.handlers?.onPresenceOffline(bob.user.userId);
    await engine.openConversation({ peerId: bob.user.userId });
    expect(fakes.connects).toEqual([]);
    fakes.handlers?.onPresenceOnline(bob.user);
    await vi.waitFor(() => expect(fakes.connects).toEqual([bob.user.userId]));
  });

  it('follows presence pushes, and keeps contacts it knows when they go offline', async () => {
    const { engine, bob } = await onlineEngine();
    const carol = (await contact('Carol')).user;
    await vi.waitFor(async () =>
      expect(await (await fakes.storage.unlock(PASSPHRASE)).contacts.all()).toHaveLength(1),
    );
    fakes.handlers?.onPresenceOnline(carol);
    fakes.handlers?.onPresenceOffline(bob.user.userId);
    expect((await engine.getState({})).contacts).toEqual([
      { userId: carol.userId, name: 'Carol', online: true },
      { userId: bob.user.userId, name: 'Bob', online: false },
    ]);
  });

  it('sends text sealed (X3DH, then the ratchet), which only the contact can open, and marks it sent', async () => {
    const { engine, messages, bob, self } = await onlineEngine();
    const sent = await engine.sendText({ peerId: bob.user.userId, text: 'hello' });
    expect(sent).toMatchObject({ direction: 'out', text: 'hello', status: 'sent' });
    expect(messages.map((m) => m.status)).toEqual(['sending', 'sent']);
    const [frame] = fakes.sent;
    expect(frame?.frame.kind).toBe('sealed');
    expect(JSON.stringify(frame)).not.toContain('hello');
    const opened = await bob.sessions.open(self.userId, (frame?.frame as SealedFrame).message);
    expect(JSON.parse(new TextDecoder().decode(opened))).toMatchObject({ id: sent.id, text: 'hello' });
  });

  it('marks a message failed, with the reason, when no link opens', async () => {
    const { engine, bob } = await onlineEngine();
    fakes.sendFailure = new Error('This contact is offline or unreachable right now');
    const sent = await engine.sendText({ peerId: bob.user.userId, text: 'hello?' });
    expect(sent).toMatchObject({
      status: 'failed',
      error: 'This contact is offline or unreachable right now',
    });
    expect(await engine.openConversation({ peerId: bob.user.userId })).toEqual([sent]);
  });

  it('records sealed frames from peers once, and drops malformed, replayed and forged ones', async () => {
    const { engine, messages, bob, self } = await onlineEngine();
    const frame = await frameFrom(bob, self.userId, 'hi Alice');
    fakes.mesh?.onFrame(bob.user.userId, frame);
    fakes.mesh?.onFrame(bob.user.userId, frame); // replayed
    fakes.mesh?.onFrame(bob.user.userId, '<script>');
    fakes.mesh?.onFrame(bob.user.userId, {
      v: 1,
      kind: 'chat',
      id: randomId(),
      text: 'plaintext?',
      sentAt: 1,
    });
    const mallory = await contact('Mallory');
    fakes.mesh?.onFrame(bob.user.userId, await frameFrom(mallory, self.userId, 'I am Bob'));
    const empty = await frameFrom(bob, self.userId, '');
    fakes.mesh?.onFrame(bob.user.userId, empty);
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    const id = messages[0]?.id;
    expect(await engine.openConversation({ peerId: bob.user.userId })).toEqual([
      { id, peerId: bob.user.userId, direction: 'in', text: 'hi Alice', sentAt: 5, status: 'sent' },
    ]);
  });

  it('exports a backup and restores it, replacing identity and history; a wrong passphrase changes nothing', async () => {
    const { engine, bob, self } = await onlineEngine();
    await engine.sendText({ peerId: bob.user.userId, text: 'in the backup' });
    const { backup, fileName } = await engine.exportBackup({ passphrase: 'backup passphrase' });
    expect(fileName).toMatch(/^messenger-backup-Alice-\d{4}-\d\d-\d\d\.json$/);

    const other = new Fakes();
    const fresh = other.engine();
    await fresh.setUp({
      name: 'Someone',
      serverUrl: SERVER,
      autoLockMinutes: 0,
      passphrase: 'other passphrase',
    });
    const before = (await fresh.getState({})).settings?.userId;
    await expect(fresh.importBackup({ passphrase: 'wrong passphrase', backup })).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    expect((await fresh.getState({})).settings?.userId).toBe(before);

    const restored = await fresh.importBackup({ passphrase: 'backup passphrase', backup });
    expect(restored.settings).toMatchObject({ name: 'Alice', userId: self.userId });
    expect((await fresh.openConversation({ peerId: bob.user.userId })).map((m) => m.text)).toEqual([
      'in the backup',
    ]);
    // Restored under this profile's own passphrase.
    await fresh.lock({});
    expect((await fresh.unlock({ passphrase: 'other passphrase' })).settings?.userId).toBe(self.userId);
  });

  it('asks for a fresh ticket when the peer socket drops, and resumes with it', async () => {
    const { self } = await onlineEngine();
    fakes.answers['peer:ticket'] = ok({ ...ticket(self.userId), ticket: '2.fresh' });
    fakes.mesh?.onSignalingLost();
    await vi.waitFor(() => expect(fakes.resumed.at(-1)?.ticket).toBe('2.fresh'));
  });

  it('tracks links and counts peer connections for diagnostics', async () => {
    const { engine, bob } = await onlineEngine();
    fakes.mesh?.onLinkChange(bob.user.userId, 'open');
    fakes.counters.connectionsCreated = 1;
    expect((await engine.getState({})).links).toEqual({ [bob.user.userId]: 'open' });
    expect((await engine.getDiagnostics({})).peerConnectionsCreated).toBe(1);
    fakes.mesh?.onLinkChange(bob.user.userId, 'closed');
    expect((await engine.getState({})).links).toEqual({});
  });

  it("pins a contact's key on first sight, and blocks sending when the name comes back with another key", async () => {
    const { engine, bob } = await onlineEngine();
    await vi.waitFor(async () => expect((await engine.getState({})).contacts).toHaveLength(1));
    expect((await engine.getState({})).keyChanged).toEqual([]);

    // The server now presents "Bob" with another key (and so another user id).
    const impostor = await contact('Bob');
    fakes.handlers?.onPresenceOffline(bob.user.userId);
    fakes.handlers?.onPresenceOnline(impostor.user);
    await vi.waitFor(async () =>
      expect((await engine.getState({})).keyChanged).toEqual([impostor.user.userId]),
    );
    await expect(engine.sendText({ peerId: impostor.user.userId, text: 'hi' })).rejects.toMatchObject({
      code: 'key-changed',
    });
    expect(fakes.sent).toEqual([]);

    await engine.acceptKey({ peerId: impostor.user.userId });
    expect((await engine.getState({})).keyChanged).toEqual([]);
    expect((await engine.sendText({ peerId: impostor.user.userId, text: 'hi' })).status).toBe('sent');
  });

  it('computes the safety number with an online contact', async () => {
    const { engine, bob, self } = await onlineEngine();
    const { digits } = await engine.getSafetyNumber({ peerId: bob.user.userId });
    expect(digits).toBe(safetyNumber(self, bob.user));
    await expect(engine.getSafetyNumber({ peerId: randomId() })).rejects.toThrow('not online');
  });

  it('counts unread messages per contact for the badge, once each, until a page shows them', async () => {
    const { engine, bob, self } = await onlineEngine();
    const first = await frameFrom(bob, self.userId, 'one');
    fakes.mesh?.onFrame(bob.user.userId, first);
    fakes.mesh?.onFrame(bob.user.userId, first); // a duplicate does not count
    fakes.mesh?.onFrame(bob.user.userId, await frameFrom(bob, self.userId, 'two'));
    await vi.waitFor(async () =>
      expect((await engine.getState({})).unread).toEqual({ [bob.user.userId]: 2 }),
    );
    expect(fakes.badge).toEqual([1, 2]);

    await engine.openConversation({ peerId: bob.user.userId });
    expect((await engine.getState({})).unread).toEqual({});
    expect(fakes.badge.at(-1)).toBe(0);

    fakes.mesh?.onFrame(bob.user.userId, await frameFrom(bob, self.userId, 'three'));
    await vi.waitFor(async () =>
      expect((await engine.getState({})).unread).toEqual({ [bob.user.userId]: 1 }),
    );
    expect((await engine.markRead({ peerId: bob.user.userId })).unread).toEqual({});
    expect(fakes.badge).toEqual([1, 2, 0, 1, 0]);
  });
});
