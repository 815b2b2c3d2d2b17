import { beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeBytes, sessionStatement, verifySignature } from '../../../shared/crypto/identity';
import { ErrorCode, fail, ok, type Result } from '../../../shared/errors';
import type { UserId } from '../../../shared/ids';
import type { RequestEvent, SessionStart, User } from '../../../shared/protocol/socket';
import { createIdentityKeys, publicIdentity, userIdOfKeys } from '../../../extension/lib/crypto/identity';
import type { Profile } from '../../../extension/lib/engine/profile';
import { createServerLink, type ServerLink } from '../../../extension/lib/engine/server-link';
import type { EngineState } from '../../../extension/lib/messaging/protocol';
import type { MeshOptions } from '../../../extension/lib/transport/peers';
import type { SignalingHandlers } from '../../../extension/lib/transport/signaling';
import { SETTINGS, fakeProfile, type FakeProfile } from './module-fakes';

const waitFor = vi.waitFor;

/** The link with a fake signal server and mesh that record what they are asked. */
class Harness {
  readonly keys = createIdentityKeys();
  readonly fake: FakeProfile;
  readonly profile: Profile;
  connection: EngineState['connection'] = { status: 'unconfigured' };
  readonly connections: EngineState['connection'][] = [];
  publishes = 0;
  handlers: SignalingHandlers | undefined;
  mesh: MeshOptions | undefined;
  readonly requests: { event: string; payload: unknown }[] = [];
  readonly meshCalls: string[] = [];
  answers: Partial<Record<RequestEvent, Result<unknown>>> = {};
  changedKeys = new Set<UserId>();
  closeFailure: Error | undefined;
  readonly link: ServerLink;

  constructor() {
    this.fake = fakeProfile();
    this.profile = {
      ...this.fake.profile,
      keys: this.keys,
      pins: {
        observe: async (user) => this.changedKeys.has(user.userId),
        accept: async () => undefined,
        known: () => [],
      },
    };
    this.link = createServerLink({
      connectSignaling: (_url, handlers) => {
        this.handlers = handlers;
        return {
          request: async (event, payload) => {
            this.requests.push({ event, payload });
            return (this.answers[event] ??
              ok({ items: [], more: false, rooms: [], iceServers: [] })) as never;
          },
          close: () => {
            if (this.closeFailure) throw this.closeFailure;
          },
        };
      },
      createMesh: (options) => {
        this.mesh = options;
        return {
          connectionsCreated: 2,
          resume: (ticket) => this.meshCalls.push(`resume ${ticket.peerId}`),
          connect: (peerId) => this.meshCalls.push(`connect ${peerId}`),
          disconnect: (peerId) => this.meshCalls.push(`disconnect ${peerId}`),
          send: async (peerId) => void this.meshCalls.push(`send ${peerId}`),
          destroy: () => {
            if (this.closeFailure) throw this.closeFailure;
          },
        };
      },
      current: () => this.profile,
      connection: () => this.connection,
      setConnection: (status, error) => {
        this.connection = error === undefined ? { status } : { status, error };
        this.connections.push(this.connection);
      },
      publish: () => void (this.publishes += 1),
      receiveFrame: async () => undefined,
      receiveMail: async () => undefined,
      fetchMail: async () => void this.requests.push({ event: '(fetchMail)', payload: undefined }),
    });
  }

  /** Goes online as the server would let us, with these users online. */
  async signIn(online: User[]): Promise<void> {
    const self = publicIdentity(this.keys);
    this.answers['session:challenge'] = ok({ challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    this.answers['session:start'] = ok({
      self: { userId: userIdOfKeys(this.keys), name: 'Alice', signingKey: self.signingKey },
      online,
      peer: { peerId: userIdOfKeys(this.keys), ticket: '1.x', expiresAt: 1 },
    });
    this.link.goOnline(SETTINGS, this.profile);
    this.handlers?.onConnected();
    await waitFor(() => expect(this.connection.status).toBe('online'));
  }
}

const person = (name: string): User => {
  const keys = createIdentityKeys();
  return { userId: userIdOfKeys(keys), name, signingKey: publicIdentity(keys).signingKey };
};

let h: Harness;
beforeEach(() => {
  h = new Harness();
});

describe('server link (engine)', () => {
  it('never connects to a plain http server, and says why', () => {
    h.link.goOnline({ ...SETTINGS, serverUrl: 'http://example.org' }, h.profile);
    expect(h.connection.status).toBe('offline');
    expect(h.connection.error).toMatch(/^The server URL in Settings/);
    expect(h.handlers).toBeUndefined();
  });

  it('signs the challenge for this server, lists who is online, resumes the mesh, then rooms before mail', async () => {
    const bob = person('Bob');
    await h.signIn([bob]);
    const start = h.requests.find((r) => r.event === 'session:start')?.payload as SessionStart;
    expect(start.origin).toBe('https://example.org');
    const statement = sessionStatement({
      origin: start.origin,
      challenge: decodeBytes(start.challenge),
      name: 'Alice',
      userId: userIdOfKeys(h.keys),
    });
    expect(verifySignature(statement, start.signature, start.identity.signingKey)).toBe(true);
    expect([...h.link.online().keys()]).toEqual([bob.userId]);
    expect(h.connections.map((c) => c.status)).toEqual(['connecting', 'online']);
    expect(h.meshCalls).toContain(`resume ${userIdOfKeys(h.keys)}`);
    await waitFor(() => expect(h.fake.delivery.calls).toContainEqual({ method: 'kick', args: [undefined] }));
    const events = h.requests.map((r) => r.event);
    expect(events).toContain('ice:servers');
  });

  it('shows the server refusing the session, with its reason', async () => {
    h.answers['session:challenge'] = fail(ErrorCode.RateLimited, 'Too many sign-ins: wait a minute');
    h.link.goOnline(SETTINGS, h.profile);
    h.handlers?.onConnected();
    await waitFor(() =>
      expect(h.connection).toEqual({ status: 'offline', error: 'Too many sign-ins: wait a minute' }),
    );
  });

  it('follows presence: a contact back gets the outbox’s attention, one gone has its channel dropped', async () => {
    await h.signIn([]);
    const bob = person('Bob');
    h.handlers?.onPresenceOnline(bob);
    expect(h.link.online().has(bob.userId)).toBe(true);
    expect(h.fake.delivery.calls).toContainEqual({ method: 'peerReturned', args: [bob.userId] });
    h.mesh?.onLinkChange(bob.userId, 'open');
    expect(h.link.linkOpen(bob.userId)).toBe(true);
    expect(h.fake.delivery.calls).toContainEqual({ method: 'kick', args: [bob.userId] });
    h.handlers?.onPresenceOffline(bob.userId);
    expect(h.meshCalls).toContain(`disconnect ${bob.userId}`);
    // The browser may still call the channel open; a contact the server says left is not linked.
    expect(h.link.linkOpen(bob.userId)).toBe(false);
  });

  it('links to a wanted contact when they come online, but not to one whose key changed until accepted', async () => {
    await h.signIn([]);
    const [bob, eve] = [person('Bob'), person('Eve')];
    h.changedKeys.add(eve.userId);
    h.link.want(bob.userId);
    h.link.want(eve.userId);
    expect(h.meshCalls.filter((c) => c.startsWith('connect'))).toEqual([]);
    h.handlers?.onPresenceOnline(bob);
    h.handlers?.onPresenceOnline(eve);
    await waitFor(() => expect(h.link.keyChanged().has(eve.userId)).toBe(true));
    await waitFor(() => expect(h.meshCalls).toContain(`connect ${bob.userId}`));
    h.link.connect(eve.userId);
    expect(h.meshCalls).not.toContain(`connect ${eve.userId}`);
    h.link.keyAccepted(eve.userId);
    expect(h.meshCalls).toContain(`connect ${eve.userId}`);
    h.link.forgetContacts();
    expect(h.link.keyChanged().size).toBe(0);
  });

  it('refuses requests and mail while not signed in, with an error that says to wait', async () => {
    await expect(h.link.request('room:list', {})).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
    expect(h.link.mailTo(person('Bob').userId, 'a'.repeat(32), {} as never)).toBeUndefined();
    expect(() => h.link.onlineUser(person('Bob').userId)).toThrow(/not online/);
    await h.signIn([]);
    h.answers['room:list'] = fail(ErrorCode.NotFound, 'No such room');
    await expect(h.link.request('room:list', {})).rejects.toThrow('No such room');
  });

  it('goes offline even when closing throws, and keeps counting peer connections', async () => {
    await h.signIn([person('Bob')]);
    h.closeFailure = new Error('poisoned');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(() => h.link.goOffline()).not.toThrow();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(h.link.signaling()).toBeUndefined();
    expect(h.link.online().size).toBe(0);
    expect(h.link.connectionsCreated()).toBe(2);
    warn.mockRestore();
  });
});
