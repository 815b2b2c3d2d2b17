import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, fail, ok, type Result } from '../../../shared/errors';
import { randomId } from '../../../shared/ids';
import type { PeerFrame } from '../../../shared/protocol/peer';
import { encodeBytes, sessionStatement, verifySignature } from '../../../shared/crypto/identity';
import { safetyNumber } from '../../../shared/crypto/safety-number';
import type {
  PeerTicket,
  RequestEvent,
  ResponseMap,
  SessionStart,
  SessionStarted,
} from '../../../shared/protocol/socket';
import { createIdentityKeys, publicIdentity, userIdOfKeys } from '../../../extension/lib/crypto/identity';
import { createEngine, type Engine } from '../../../extension/lib/engine/engine';
import type { PinnedContact } from '../../../extension/lib/engine/contacts';
import type { ChatMessage, EngineState } from '../../../extension/lib/messaging/protocol';
import type { Settings } from '../../../extension/lib/settings';
import type { SettingsStore } from '../../../extension/lib/storage/settings-store';
import type { MeshOptions, PeerMesh } from '../../../extension/lib/transport/peers';
import type { SignalingHandlers } from '../../../extension/lib/transport/signaling';

/** Fakes for the two transports, recording what the engine asked of them. */
class Fakes {
  stored: Settings | undefined;
  readonly keys = createIdentityKeys();
  pinned: PinnedContact[] = [];
  badge: number[] = [];
  readonly challenge = new Uint8Array(32).fill(7);
  handlers: SignalingHandlers | undefined;
  mesh: MeshOptions | undefined;
  requests: { event: string; payload: unknown }[] = [];
  resumed: PeerTicket[] = [];
  sent: { peerId: string; frame: PeerFrame }[] = [];
  sendFailure: Error | undefined;
  answers: Partial<{ [E in RequestEvent]: Result<ResponseMap[E]> }> = {};
  readonly counters = { connectionsCreated: 0 };

  settingsStore: SettingsStore = {
    load: async () => this.stored,
    save: async (settings) => {
      this.stored = settings;
    },
  };

  engine(): Engine {
    return createEngine({
      settingsStore: this.settingsStore,
      identityStore: { loadOrCreate: async () => this.keys },
      showUnread: (count) => this.badge.push(count),
      contactStore: {
        all: async () => [...this.pinned],
        pin: async (contact) => {
          this.pinned = [...this.pinned.filter((known) => known.name !== contact.name), contact];
        },
      },
      connectSignaling: (_url, handlers) => {
        this.handlers = handlers;
        return {
          request: async (event, payload) => {
            this.requests.push({ event, payload });
            const answer = this.answers[event];
            if (!answer) throw new Error(`no fake answer for ${event}`);
            return answer;
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
          connect: () => undefined,
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
}

const ticket = (peerId: string): PeerTicket => ({ peerId, ticket: '1.x', expiresAt: 1 });

let fakes: Fakes;
beforeEach(() => {
  fakes = new Fakes();
});

async function onlineEngine(): Promise<{
  engine: Engine;
  states: EngineState[];
  messages: ChatMessage[];
  bob: string;
}> {
  const engine = fakes.engine();
  const states: EngineState[] = [];
  const messages: ChatMessage[] = [];
  engine.subscribe((name, data) =>
    name === 'state' ? states.push(data as EngineState) : messages.push(data as ChatMessage),
  );
  const bob = randomId();
  await engine.saveSettings({ name: 'Alice', serverUrl: 'http://localhost:3000' });
  const userId = userIdOfKeys(fakes.keys);
  const started: SessionStarted = {
    self: { userId, name: 'Alice', signingKey: publicIdentity(fakes.keys).signingKey },
    online: [{ userId: bob, name: 'Bob', signingKey: 'bob-key' }],
    peer: ticket(userId),
  };
  fakes.answers['session:challenge'] = ok({ challenge: encodeBytes(fakes.challenge) });
  fakes.answers['session:start'] = ok(started);
  fakes.handlers?.onConnected();
  await vi.waitFor(() => expect(states.at(-1)?.connection.status).toBe('online'));
  return { engine, states, messages, bob };
}

describe('engine', () => {
  it('waits for a name before going online', async () => {
    const engine = fakes.engine();
    await engine.start();
    expect((await engine.getState({})).connection.status).toBe('unconfigured');
    expect(fakes.handlers).toBeUndefined();
  });

  it('saves settings, proves its identity key on the challenge, and opens the peer socket with its ticket', async () => {
    const { engine, bob } = await onlineEngine();
    expect(fakes.stored).toEqual({ name: 'Alice', serverUrl: 'http://localhost:3000' });
    expect(fakes.requests.map((request) => request.event)).toEqual(['session:challenge', 'session:start']);
    const start = fakes.requests[1]?.payload as SessionStart;
    expect(start.identity).toEqual(publicIdentity(fakes.keys));
    expect(start.challenge).toBe(encodeBytes(fakes.challenge));
    const statement = sessionStatement(fakes.challenge, userIdOfKeys(fakes.keys), 'Alice');
    expect(verifySignature(statement, start.signature, start.identity.signingKey)).toBe(true);
    expect((await engine.getState({})).settings?.userId).toBe(userIdOfKeys(fakes.keys));
    expect(fakes.resumed).toHaveLength(1);
    // No third-party STUN/TURN servers: nobody outside the two peers and our server learns of the call.
    expect(fakes.mesh?.iceServers).toEqual([]);
    expect((await engine.getState({})).contacts).toEqual([{ userId: bob, name: 'Bob', online: true }]);
  });

  it('goes online by itself at start when settings were saved before', async () => {
    fakes.stored = { name: 'Alice', serverUrl: 'http://localhost:3000' };
    const engine = fakes.engine();
    await engine.start();
    expect((await engine.getState({})).connection.status).toBe('connecting');
    expect(fakes.handlers).toBeDefined();
  });

  it('shows the server refusing the session, with its reason', async () => {
    const engine = fakes.engine();
    await engine.saveSettings({ name: 'Alice', serverUrl: 'http://localhost:3000' });
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

  it('follows presence pushes, and keeps contacts it knows when they go offline', async () => {
    const { engine, bob } = await onlineEngine();
    await vi.waitFor(() => expect(fakes.pinned).toHaveLength(1));
    const carol = { userId: randomId(), name: 'Carol', signingKey: 'carol-key' };
    fakes.handlers?.onPresenceOnline(carol);
    fakes.handlers?.onPresenceOffline(bob);
    expect((await engine.getState({})).contacts).toEqual([
      { userId: carol.userId, name: 'Carol', online: true },
      { userId: bob, name: 'Bob', online: false },
    ]);
  });

  it('lists contacts pinned in earlier sessions as offline at start', async () => {
    fakes.pinned = [{ name: 'Dana', userId: randomId(), signingKey: 'dana-key' }];
    const engine = fakes.engine();
    await engine.start();
    expect((await engine.getState({})).contacts).toEqual([
      { userId: fakes.pinned[0]?.userId, name: 'Dana', online: false },
    ]);
  });

  it('sends text as a chat frame and marks it sent', async () => {
    const { engine, messages, bob } = await onlineEngine();
    const sent = await engine.sendText({ peerId: bob, text: 'hello' });
    expect(sent).toMatchObject({ direction: 'out', text: 'hello', status: 'sent' });
    expect(fakes.sent).toEqual([
      { peerId: bob, frame: { v: 1, kind: 'chat', id: sent.id, text: 'hello', sentAt: sent.sentAt } },
    ]);
    expect(messages.map((m) => m.status)).toEqual(['sending', 'sent']);
  });

  it('marks a message failed, with the reason, when no link opens', async () => {
    const { engine, bob } = await onlineEngine();
    fakes.sendFailure = new Error('This contact is offline or unreachable right now');
    const sent = await engine.sendText({ peerId: bob, text: 'hello?' });
    expect(sent).toMatchObject({
      status: 'failed',
      error: 'This contact is offline or unreachable right now',
    });
    expect(await engine.openConversation({ peerId: bob })).toEqual([sent]);
  });

  it('records valid frames from peers once and drops malformed ones', async () => {
    const { engine, messages, bob } = await onlineEngine();
    const frame = { v: 1, kind: 'chat', id: randomId(), text: 'hi Alice', sentAt: 5 };
    fakes.mesh?.onFrame(bob, frame);
    fakes.mesh?.onFrame(bob, frame);
    fakes.mesh?.onFrame(bob, { ...frame, id: randomId(), text: '' });
    fakes.mesh?.onFrame(bob, '<script>');
    expect(messages).toHaveLength(1);
    expect(await engine.openConversation({ peerId: bob })).toEqual([
      { id: frame.id, peerId: bob, direction: 'in', text: 'hi Alice', sentAt: 5, status: 'sent' },
    ]);
  });

  it('asks for a fresh ticket when the peer socket drops, and resumes with it', async () => {
    await onlineEngine();
    const fresh = ticket(userIdOfKeys(fakes.keys));
    fakes.answers['peer:ticket'] = ok({ ...fresh, ticket: '2.fresh' });
    fakes.mesh?.onSignalingLost();
    await vi.waitFor(() => expect(fakes.resumed.at(-1)?.ticket).toBe('2.fresh'));
  });

  it('tracks links and counts peer connections for diagnostics', async () => {
    const { engine, bob } = await onlineEngine();
    fakes.mesh?.onLinkChange(bob, 'open');
    fakes.counters.connectionsCreated = 1;
    expect((await engine.getState({})).links).toEqual({ [bob]: 'open' });
    expect((await engine.getDiagnostics({})).peerConnectionsCreated).toBe(1);
    fakes.mesh?.onLinkChange(bob, 'closed');
    expect((await engine.getState({})).links).toEqual({});
  });

  it("pins a contact's key on first sight, and blocks sending when the name comes back with another key", async () => {
    const { engine, bob } = await onlineEngine();
    await vi.waitFor(() => expect(fakes.pinned.map((c) => c.name)).toEqual(['Bob']));
    expect((await engine.getState({})).keyChanged).toEqual([]);

    // The server now presents "Bob" with another key (and so another user id).
    const impostor = { userId: randomId(), name: 'Bob', signingKey: 'other-key' };
    fakes.handlers?.onPresenceOffline(bob);
    fakes.handlers?.onPresenceOnline(impostor);
    await vi.waitFor(async () => expect((await engine.getState({})).keyChanged).toEqual([impostor.userId]));
    await expect(engine.sendText({ peerId: impostor.userId, text: 'hi' })).rejects.toMatchObject({
      code: 'key-changed',
    });
    expect(fakes.sent).toEqual([]);

    await engine.acceptKey({ peerId: impostor.userId });
    expect((await engine.getState({})).keyChanged).toEqual([]);
    expect(fakes.pinned).toEqual([{ name: 'Bob', userId: impostor.userId, signingKey: 'other-key' }]);
    expect((await engine.sendText({ peerId: impostor.userId, text: 'hi' })).status).toBe('sent');
  });

  it('computes the safety number with an online contact', async () => {
    const { engine } = await onlineEngine();
    const carol = createIdentityKeys();
    const carolUser = {
      userId: userIdOfKeys(carol),
      name: 'Carol',
      signingKey: publicIdentity(carol).signingKey,
    };
    fakes.handlers?.onPresenceOnline(carolUser);
    const { digits } = await engine.getSafetyNumber({ peerId: carolUser.userId });
    const self = { userId: userIdOfKeys(fakes.keys), signingKey: publicIdentity(fakes.keys).signingKey };
    expect(digits).toBe(safetyNumber(self, carolUser));
    await expect(engine.getSafetyNumber({ peerId: randomId() })).rejects.toThrow('not online');
  });

  it('counts unread messages per contact for the badge, once each, until a page shows them', async () => {
    const { engine, bob } = await onlineEngine();
    const frame = (text: string) => ({ v: 1, kind: 'chat', id: randomId(), text, sentAt: 1 });
    const first = frame('one');
    fakes.mesh?.onFrame(bob, first);
    fakes.mesh?.onFrame(bob, first); // a duplicate does not count
    fakes.mesh?.onFrame(bob, frame('two'));
    expect((await engine.getState({})).unread).toEqual({ [bob]: 2 });
    expect(fakes.badge).toEqual([1, 2]);

    await engine.openConversation({ peerId: bob });
    expect((await engine.getState({})).unread).toEqual({});
    expect(fakes.badge.at(-1)).toBe(0);

    fakes.mesh?.onFrame(bob, frame('three'));
    expect((await engine.markRead({ peerId: bob })).unread).toEqual({});
    expect(fakes.badge).toEqual([1, 2, 0, 1, 0]);
  });
});
