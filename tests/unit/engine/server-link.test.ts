import { beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeBytes, sessionStatement, verifySignature } from '../../../shared/crypto/identity';
import { ErrorCode, fail, ok, type Result } from '../../../shared/errors';
import { presenceToken } from '../../../shared/crypto/contact-secret';
import type { RequestEvent, RequestPayload, SessionStart, User } from '../../../shared/protocol/socket';
import { createIdentityKeys, publicIdentity, userIdOfKeys } from '../../../extension/lib/crypto/identity';
import type { Profile } from '../../../extension/lib/engine/profile';
import { createServerLink, type ServerLink } from '../../../extension/lib/engine/server-link';
import type { EngineState } from '../../../extension/lib/messaging/protocol';
import type { Settings } from '../../../extension/lib/settings';
import type { MeshOptions } from '../../../extension/lib/transport/peers';
import type { SignalingHandlers } from '../../../extension/lib/transport/signaling';
import { SETTINGS, fakeProfile, randomKey, type FakeProfile } from './module-fakes';

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
  settings: Settings = SETTINGS;
  closeFailure: Error | undefined;
  readonly link: ServerLink;

  constructor() {
    this.fake = fakeProfile();
    this.profile = { ...this.fake.profile, keys: this.keys };
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
          openFileChannel: (peerId) => Promise.reject(new Error(`no file channel to ${peerId} here`)),
          sendMediaFrame: () => false,
          destroy: () => {
            if (this.closeFailure) throw this.closeFailure;
          },
        };
      },
      current: () => this.profile,
      connection: () => this.connection,
      settings: () => this.settings,
      setConnection: (status, error) => {
        this.connection = error === undefined ? { status } : { status, error };
        this.connections.push(this.connection);
      },
      publish: () => void (this.publishes += 1),
      receiveFrame: async () => undefined,
      receiveMail: async () => undefined,
      fetchMail: async () => void this.requests.push({ event: '(fetchMail)', payload: undefined }),
      linkOpened: () => undefined,
    });
  }

  /** Goes online as the server would let us. */
  async signIn(): Promise<void> {
    const self = publicIdentity(this.keys);
    this.answers['session:challenge'] = ok({ challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    this.answers['session:start'] = ok({
      self: { userId: userIdOfKeys(this.keys), name: 'Alice', signingKey: self.signingKey },
      peer: { peerId: userIdOfKeys(this.keys), ticket: '1.x', expiresAt: 1 },
    });
    this.link.goOnline(this.settings, this.profile);
    this.handlers?.onConnected();
    await waitFor(() => expect(this.connection.status).toBe('online'));
  }

  /** An accepted contact in the book, and the presence token the two share. */
  contact(name: string): { user: User; token: string } {
    const user = person(name);
    const { secret } = this.fake.book.set(user.userId, 'accepted', { name, signingKey: user.signingKey });
    return { user, token: presenceToken(secret ?? '') };
  }

  /** The payloads of the requests made for this event so far. */
  sent<E extends RequestEvent>(event: E): RequestPayload<E>[] {
    return this.requests.filter((r) => r.event === event).map((r) => r.payload as RequestPayload<E>);
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

  it('signs the challenge for this server, presents its contacts’ tokens, resumes the mesh, then rooms before mail', async () => {
    const bob = h.contact('Bob');
    h.fake.book.set(person('Carol').userId, 'outgoing'); // asked, not answered: no token yet
    await h.signIn();
    const start = h.requests.find((r) => r.event === 'session:start')?.payload as SessionStart;
    expect(start.origin).toBe('https://example.org');
    const statement = sessionStatement({
      origin: start.origin,
      challenge: decodeBytes(start.challenge),
      name: 'Alice',
      userId: userIdOfKeys(h.keys),
    });
    expect(verifySignature(statement, start.signature, start.identity.signingKey)).toBe(true);
    // Nobody is online until the server says so for a token: the sign-in lists nobody.
    expect(h.link.online().size).toBe(0);
    expect(h.sent('presence:watch')).toEqual([{ tokens: [bob.token], visible: true }]);
    expect(h.connections.map((c) => c.status)).toEqual(['connecting', 'online']);
    expect(h.meshCalls).toContain(`resume ${userIdOfKeys(h.keys)}`);
    await waitFor(() => expect(h.fake.delivery.calls).toContainEqual({ method: 'kick', args: [undefined] }));
    // What the book owes (requests, acceptances the server could not take before) goes at each sign-in.
    expect(h.fake.book.settled).toBe(1);
    const events = h.requests.map((r) => r.event);
    expect(events).toContain('ice:servers');
    expect(events.indexOf('room:list')).toBeLessThan(events.indexOf('(fetchMail)'));
  });

  it('is online only once the server holds its prekeys: before that, a contact’s lookup of it would fail', async () => {
    let held: () => void = () => undefined;
    h.fake.sessions.publishPrekeys = () => new Promise<void>((resolve) => (held = resolve));
    const signedIn = h.signIn();
    await waitFor(() => expect(h.requests.map((r) => r.event)).toContain('session:start'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.connection.status).toBe('connecting');
    held();
    await signedIn;
    expect(h.connections.map((c) => c.status)).toEqual(['connecting', 'online']);
  });

  it('goes online still when publishing its prekeys fails (it tries again when the server asks for more)', async () => {
    h.fake.sessions.publishPrekeys = () => Promise.reject(new Error('server full'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await h.signIn();
    expect(warn).toHaveBeenCalledWith('engine: could not publish prekeys', expect.any(Error));
    warn.mockRestore();
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
    await h.signIn();
    const bob = h.contact('Bob');
    h.handlers?.onPresenceOnline(bob.token, false);
    expect(h.link.online().get(bob.user.userId)).toEqual(bob.user);
    expect(h.fake.delivery.calls).toContainEqual({ method: 'peerReturned', args: [bob.user.userId] });
    // Bob announced himself: he is told we are here too.
    expect(h.sent('presence:here')).toEqual([{ token: bob.token }]);
    h.mesh?.onLinkChange(bob.user.userId, 'open');
    expect(h.link.linkOpen(bob.user.userId)).toBe(true);
    expect(h.fake.delivery.calls).toContainEqual({ method: 'kick', args: [bob.user.userId] });
    h.handlers?.onPresenceOffline(bob.token);
    expect(h.meshCalls).toContain(`disconnect ${bob.user.userId}`);
    // The browser may still call the channel open; a contact the server says left is not linked.
    expect(h.link.linkOpen(bob.user.userId)).toBe(false);
  });

  it('answers an announcement but not an answer, and ignores tokens of no accepted contact', async () => {
    await h.signIn();
    const [bob, carol] = [h.contact('Bob'), h.contact('Carol')];
    h.handlers?.onPresenceOnline(bob.token, true); // Bob answers our own announcement
    expect(h.link.online().has(bob.user.userId)).toBe(true);
    expect(h.sent('presence:here')).toEqual([]);
    // A token we never presented, and the one of a contact who is now only asked: nothing happens.
    const erin = person('Erin');
    const { secret } = h.fake.book.set(erin.userId, 'outgoing');
    const publishes = h.publishes;
    h.handlers?.onPresenceOnline(presenceToken(randomKey()), false);
    h.handlers?.onPresenceOnline(presenceToken(secret ?? ''), false);
    h.handlers?.onPresenceOffline(presenceToken(randomKey()));
    expect([...h.link.online().keys()]).toEqual([bob.user.userId]);
    expect(h.sent('presence:here')).toEqual([]);
    expect(h.publishes).toBe(publishes);
    // Appearing offline: Carol is not told we are here.
    h.settings = { ...SETTINGS, appearOffline: true };
    h.handlers?.onPresenceOnline(carol.token, false);
    expect(h.link.online().has(carol.user.userId)).toBe(true);
    expect(h.sent('presence:here')).toEqual([]);
  });

  it('links to a wanted contact when they come online, and no more once a closed profile forgot them', async () => {
    await h.signIn();
    const [bob, carol] = [h.contact('Bob'), h.contact('Carol')];
    h.link.want(bob.user.userId);
    expect(h.meshCalls.filter((c) => c.startsWith('connect'))).toEqual([]);
    h.handlers?.onPresenceOnline(bob.token, false);
    h.handlers?.onPresenceOnline(carol.token, false); // online, but no page asked for her
    expect(h.meshCalls.filter((c) => c.startsWith('connect'))).toEqual([`connect ${bob.user.userId}`]);
    // Already online: wanting connects at once.
    h.link.want(carol.user.userId);
    expect(h.meshCalls).toContain(`connect ${carol.user.userId}`);
    h.handlers?.onPresenceOffline(bob.token);
    h.link.forgetContacts();
    h.handlers?.onPresenceOnline(bob.token, false);
    expect(h.meshCalls.filter((c) => c === `connect ${bob.user.userId}`)).toHaveLength(1);
  });

  it('presents the tokens again when the contacts change; one no longer accepted is offline and unlinked', async () => {
    await h.signIn();
    const [bob, carol] = [h.contact('Bob'), h.contact('Carol')];
    h.handlers?.onPresenceOnline(bob.token, false);
    h.handlers?.onPresenceOnline(carol.token, false);
    h.fake.book.set(carol.user.userId, 'blocked');
    h.settings = { ...SETTINGS, appearOffline: true };
    h.link.watchPresence();
    expect(h.sent('presence:watch').at(-1)).toEqual({ tokens: [bob.token], visible: false });
    expect([...h.link.online().keys()]).toEqual([bob.user.userId]);
    expect(h.meshCalls).toContain(`disconnect ${carol.user.userId}`);
    // Offline, there is nobody to tell.
    h.link.goOffline();
    const watches = h.sent('presence:watch').length;
    h.link.watchPresence();
    expect(h.sent('presence:watch')).toHaveLength(watches);
  });

  it('refuses requests and mail while not signed in, with an error that says to wait', async () => {
    await expect(h.link.request('room:list', {})).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
    expect(h.link.mailTo(person('Bob').userId, 'a'.repeat(32), {} as never)).toBeUndefined();
    await h.signIn();
    h.answers['room:list'] = fail(ErrorCode.NotFound, 'No such room');
    await expect(h.link.request('room:list', {})).rejects.toThrow('No such room');
  });

  it('goes offline even when closing throws, and keeps counting peer connections', async () => {
    await h.signIn();
    h.handlers?.onPresenceOnline(h.contact('Bob').token, false);
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
