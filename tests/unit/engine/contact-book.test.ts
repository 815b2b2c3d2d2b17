import { beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { presenceToken } from '../../../shared/crypto/contact-secret';
import { decodeBytes, userIdOf } from '../../../shared/crypto/identity';
import { ErrorCode } from '../../../shared/errors';
import type { UserId } from '../../../shared/ids';
import { MAX_CONTACTS } from '../../../shared/limits';
import type { ContactContent } from '../../../shared/protocol/content';
import type { User } from '../../../shared/protocol/socket';
import { inviteLink } from '../../../extension/lib/contacts/invite';
import { createContactBook, type ContactBook } from '../../../extension/lib/engine/contact-book';
import { createKeyPins } from '../../../extension/lib/engine/contacts';
import { EngineError } from '../../../extension/lib/errors';
import type { ContactRecord, PinnedContact } from '../../../extension/lib/model';
import type { ContactBookStore } from '../../../extension/lib/storage/stores';
import { contactRecord, randomKey } from './module-fakes';

const SERVER = 'https://example.org';

/** Someone with a real user id (derived from their key, as an invite link's is). */
function person(name: string): User {
  const signingKey = randomKey();
  return { userId: userIdOf(decodeBytes(signingKey)), name, signingKey };
}

/** A contact book over an in-memory store, its server faked: a directory, a mailbox that takes or not, blocks. */
class Side {
  readonly stored = new Map<UserId, ContactRecord>();
  readonly pinned: PinnedContact[] = [];
  /** Who the server binds each name to (`user:lookup`). */
  readonly directory = new Map<string, User>();
  /** Each name looked up, in order. */
  readonly lookups: string[] = [];
  /** Contact messages handed to the server's mailbox. */
  readonly sent: { to: UserId; content: ContactContent }[] = [];
  readonly blocks: { userId: UserId; blocked: boolean }[] = [];
  /** What the mailbox does with the next contact message: take it, be out of reach (false), or refuse it. */
  mailbox: 'takes' | 'unreachable' | 'refuses' = 'takes';
  /** Where taken messages go: the other side of a pair of books. */
  deliverTo: ((from: UserId, content: ContactContent) => void) | undefined;
  changes = 0;
  /** Our profile key, if we have a profile (user-profiles.ts). */
  profileKey: string | undefined;
  /** Those who stopped being contacts, as they were. */
  readonly left: ContactRecord[] = [];
  readonly book: ContactBook;

  constructor(
    readonly self: User,
    loaded: readonly ContactRecord[] = [],
    pinned: readonly PinnedContact[] = [],
  ) {
    this.directory.set(self.name, self);
    const store: ContactBookStore = {
      all: async () => [...this.stored.values()],
      put: async (contact) => void this.stored.set(contact.userId, contact),
      delete: async (userId) => void this.stored.delete(userId),
    };
    const pins = createKeyPins({ all: async () => this.pinned, pin: async (c) => void this.pinned.push(c) }, [
      ...pinned,
    ]);
    this.book = createContactBook(
      {
        store,
        pins,
        selfId: self.userId,
        selfName: () => self.name,
        serverOrigin: () => SERVER,
        lookup: async (name) => {
          this.lookups.push(name);
          const user = this.directory.get(name);
          if (!user) throw new EngineError(ErrorCode.NotFound, `No user is named ${name}`);
          return user;
        },
        sendContact: async (to, content) => {
          if (this.mailbox === 'unreachable') return false;
          if (this.mailbox === 'refuses')
            throw new EngineError(
              ErrorCode.NotFound,
              'mail:send: nobody with this user id has used this server',
            );
          this.sent.push({ to, content });
          this.deliverTo?.(self.userId, content);
          return true;
        },
        blockOnServer: async (userId, blocked) => void this.blocks.push({ userId, blocked }),
        changed: () => void (this.changes += 1),
        profileKey: () => this.profileKey,
        left: (contact) => void this.left.push(contact),
      },
      loaded,
    );
  }

  knows(user: User): void {
    this.directory.set(user.name, user);
  }
}

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  return () => warn.mockRestore();
});

const request = (secret: string, name: string, greeting?: string): ContactContent => ({
  v: 1,
  kind: 'contact',
  action: 'request',
  secret,
  name,
  ...(greeting === undefined ? {} : { greeting }),
});

describe('contact book', () => {
  it('adds by name: a request with a fresh secret, recorded as outgoing (with the greeting sent)', async () => {
    const [ann, bob, carol] = [person('Ann'), person('Bob'), person('Carol')];
    const side = new Side(ann);
    side.knows(bob);
    side.knows(carol);
    const asked = await side.book.add('Bob', 'Hi, Ann from the climbing club');
    expect(asked).toEqual({
      userId: bob.userId,
      name: 'Bob',
      signingKey: bob.signingKey,
      state: 'outgoing',
      secret: asked.secret,
      nameVerified: true,
    });
    expect(side.sent).toEqual([
      {
        to: bob.userId,
        content: request(asked.secret ?? '', 'Ann', 'Hi, Ann from the climbing club'),
      },
    ]);
    expect(decodeBytes(asked.secret ?? '')).toHaveLength(32);
    expect(side.stored.get(bob.userId)).toEqual(asked);
    expect(side.book.admits(bob.userId)).toBe('contact'); // asked: we may write to them
    // Not accepted yet: no presence token.
    expect(side.book.tokens().size).toBe(0);
    // Each request has a secret of its own.
    const other = await side.book.add('Carol');
    expect(other.secret).not.toBe(asked.secret);
    await expect(side.book.add('Dave')).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('refuses to add yourself', async () => {
    const ann = person('Ann');
    const side = new Side(ann);
    await expect(side.book.add('Ann')).rejects.toThrow('That is you');
    await expect(side.book.add(inviteLink(SERVER, 'Ann', ann.signingKey))).rejects.toThrow('That is you');
    expect(side.sent).toEqual([]);
    expect(side.book.list()).toEqual([]);
  });

  it('adds by invite link only when the server presents the key the link carries, on this server', async () => {
    const [ann, bob, impostor] = [person('Ann'), person('Bob'), person('Bob')];
    const side = new Side(ann);
    const link = inviteLink(SERVER, 'Bob', bob.signingKey);
    side.knows(impostor);
    await expect(side.book.add(link)).rejects.toMatchObject({ code: ErrorCode.KeyChanged });
    await expect(
      side.book.add(inviteLink('https://elsewhere.example', 'Bob', bob.signingKey)),
    ).rejects.toThrow('This invite is for the server https://elsewhere.example; you use https://example.org');
    await expect(side.book.add(`${SERVER}/invite#Bob`)).rejects.toThrow(/cut short/);
    expect(side.sent).toEqual([]);
    expect(side.book.list()).toEqual([]);

    side.knows(bob);
    expect(await side.book.add(link)).toMatchObject({
      userId: bob.userId,
      state: 'outgoing',
      nameVerified: true,
    });
    // The link vouches for the key: it is pinned under the name, replacing what was pinned there.
    expect(side.pinned.at(-1)).toEqual(bob);
  });

  it('takes a request as incoming, the name checked with the server and against the names pinned here', async () => {
    const [ann, bob, carol, impostor] = [person('Ann'), person('Bob'), person('Carol'), person('Bob')];
    const side = new Side(ann, [], [bob]);
    side.knows(bob);
    side.knows(carol);
    const secret = randomKey();
    await side.book.receive(carol.userId, carol.signingKey, request(secret, 'Carol', 'hello'));
    expect(side.book.get(carol.userId)).toEqual({
      userId: carol.userId,
      name: 'Carol',
      signingKey: carol.signingKey,
      state: 'incoming',
      secret,
      nameVerified: true,
    });
    expect(side.book.admits(carol.userId)).toBe('request');
    expect(side.book.tokens().size).toBe(0);
    expect(side.sent).toEqual([]); // nothing goes back until accepted

    // "Bob" from another key: the server binds the name to the real Bob, and another key held it here.
    await side.book.receive(impostor.userId, impostor.signingKey, request(randomKey(), 'Bob'));
    expect(side.book.get(impostor.userId)).toMatchObject({
      name: 'Bob',
      state: 'incoming',
      nameVerified: false,
      nameReused: true,
    });
    // A name the server does not know cannot be verified.
    const dave = person('Dave');
    await side.book.receive(dave.userId, dave.signingKey, request(randomKey(), 'Dave'));
    expect(side.book.get(dave.userId)).toMatchObject({ nameVerified: false });
    expect(side.book.get(dave.userId)?.nameReused).toBeUndefined();
  });

  it('pins no name the server contradicts: a request claiming a name cannot make its owner look reused', async () => {
    const [ann, bob, mallory] = [person('Ann'), person('Bob'), person('Bob')];
    const side = new Side(ann);
    side.knows(bob);
    // Mallory asks first, claiming Bob's name; the server binds "Bob" to Bob.
    await side.book.receive(mallory.userId, mallory.signingKey, request(randomKey(), 'Bob'));
    expect(side.book.get(mallory.userId)).toMatchObject({ nameVerified: false });
    expect(side.pinned).toEqual([]);
    // The real Bob, added by name, is not flagged.
    const added = await side.book.add('Bob');
    expect(added.nameReused).toBeUndefined();
    expect(side.pinned).toEqual([bob]);
  });

  it('accepts a request with the same secret, and from then on presents the pair’s token', async () => {
    const [ann, bob] = [person('Ann'), person('Bob')];
    const side = new Side(ann);
    const secret = randomKey();
    await side.book.receive(bob.userId, bob.signingKey, request(secret, 'Bob'));
    const changes = side.changes;
    const accepted = await side.book.accept(bob.userId);
    expect(accepted).toMatchObject({ state: 'accepted', secret });
    expect(accepted.owed).toBeUndefined();
    expect(side.sent).toEqual([
      { to: bob.userId, content: { v: 1, kind: 'contact', action: 'accept', secret, name: 'Ann' } },
    ]);
    expect(side.book.tokens()).toEqual(new Map([[presenceToken(secret), bob.userId]]));
    expect(side.stored.get(bob.userId)).toEqual(accepted);
    expect(side.changes).toBeGreaterThan(changes);
    // Accepting again sends nothing more; there is nothing to accept from a stranger.
    await side.book.accept(bob.userId);
    expect(side.sent).toHaveLength(1);
    await expect(side.book.accept(person('Eve').userId)).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('sends our profile key with a request and with an acceptance, once we have a profile', async () => {
    const [ann, bob, carol] = [person('Ann'), person('Bob'), person('Carol')];
    const side = new Side(ann);
    side.knows(bob);
    side.profileKey = randomKey();
    const asked = await side.book.add('Bob');
    await side.book.receive(carol.userId, carol.signingKey, request(randomKey(), 'Carol'));
    await side.book.accept(carol.userId);
    expect(side.sent.map(({ to, content }) => [to, content.action, content.profileKey])).toEqual([
      [bob.userId, 'request', side.profileKey],
      [carol.userId, 'accept', side.profileKey],
    ]);
    expect(side.sent[0]?.content).toEqual({
      ...request(asked.secret ?? '', 'Ann'),
      profileKey: side.profileKey,
    });
  });

  it('says who stopped being a contact, as they were, when removed or blocked (so the profile key moves on)', async () => {
    const [ann, bob, carol] = [person('Ann'), person('Bob'), person('Carol')];
    const side = new Side(ann);
    side.knows(bob);
    side.knows(carol);
    const asked = await side.book.add('Bob');
    const other = await side.book.add('Carol');
    await side.book.remove(bob.userId);
    await side.book.block(carol.userId, true);
    expect(side.left).toEqual([asked, other]);
  });

  it('ends accepted on both sides, with one secret, by a request and its acceptance', async () => {
    const [ann, bob] = [new Side(person('Ann')), new Side(person('Bob'))];
    ann.knows(bob.self);
    bob.knows(ann.self);
    ann.deliverTo = (from, content) => void bob.book.receive(from, ann.self.signingKey, content);
    bob.deliverTo = (from, content) => void ann.book.receive(from, bob.self.signingKey, content);
    await ann.book.add('Bob');
    await vi.waitFor(() => expect(bob.book.get(ann.self.userId)?.state).toBe('incoming'));
    await bob.book.accept(ann.self.userId);
    await vi.waitFor(() => expect(ann.book.get(bob.self.userId)?.state).toBe('accepted'));
    expect([...ann.book.tokens().keys()]).toEqual([...bob.book.tokens().keys()]);
    expect(ann.book.tokens().size).toBe(1);
  });

  it('ends accepted on both sides, with the same secret, when both ask at once', async () => {
    const [ann, bob] = [new Side(person('Ann')), new Side(person('Bob'))];
    ann.knows(bob.self);
    bob.knows(ann.self);
    // The requests cross: each is delivered only once both were sent.
    const inFlight: (() => Promise<void>)[] = [];
    ann.deliverTo = (from, content) =>
      void inFlight.push(() => bob.book.receive(from, ann.self.signingKey, content));
    bob.deliverTo = (from, content) =>
      void inFlight.push(() => ann.book.receive(from, bob.self.signingKey, content));
    const annAsked = await ann.book.add('Bob');
    const bobAsked = await bob.book.add('Ann');
    for (const deliver of inFlight.splice(0)) await deliver();

    const [annSide, bobSide] = [ann.book.get(bob.self.userId), bob.book.get(ann.self.userId)];
    expect(annSide?.state).toBe('accepted');
    expect(bobSide?.state).toBe('accepted');
    const smaller = ann.self.userId < bob.self.userId ? annAsked : bobAsked;
    expect(annSide?.secret).toBe(smaller.secret);
    expect(bobSide?.secret).toBe(smaller.secret);
    expect([...ann.book.tokens().keys()]).toEqual([presenceToken(smaller.secret ?? '')]);
    // Neither had to answer: no acceptance went either way.
    expect([...ann.sent, ...bob.sent].map((sent) => sent.content.action)).toEqual(['request', 'request']);
    expect(inFlight).toEqual([]);
  });

  it('ignores an acceptance from someone not asked', async () => {
    const [ann, bob, carol] = [person('Ann'), person('Bob'), person('Carol')];
    const side = new Side(ann);
    const accept = (secret: string): ContactContent => ({ ...request(secret, 'x'), action: 'accept' });
    await side.book.receive(bob.userId, bob.signingKey, accept(randomKey()));
    expect(side.book.get(bob.userId)).toBeUndefined();
    // Someone who asked us cannot accept in our name either.
    await side.book.receive(carol.userId, carol.signingKey, request(randomKey(), 'Carol'));
    await side.book.receive(carol.userId, carol.signingKey, accept(randomKey()));
    expect(side.book.get(carol.userId)?.state).toBe('incoming');
    expect(side.book.tokens().size).toBe(0);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('who was not asked'));
  });

  it('answers a contact who lost ours and asks again with the secret it keeps; no contact can move the pair', async () => {
    const [ann, bob] = [person('Ann'), person('Bob')];
    const kept = randomKey();
    const side = new Side(ann, [
      contactRecord(bob.userId, 'accepted', { name: 'Bob', signingKey: bob.signingKey, secret: kept }),
    ]);
    await side.book.receive(bob.userId, bob.signingKey, request(randomKey(), 'Bob'));
    expect(side.book.get(bob.userId)).toMatchObject({ state: 'accepted', secret: kept });
    expect(side.book.get(bob.userId)?.owed).toBeUndefined();
    expect(side.sent.map((sent) => sent.content)).toEqual([
      { v: 1, kind: 'contact', action: 'accept', secret: kept, name: 'Ann' },
    ]);
    // An acceptance with another secret changes nothing either: it would move the pair onto a token a third user
    // may present, sharing our presence with them.
    await side.book.receive(bob.userId, bob.signingKey, { ...request(randomKey(), 'Bob'), action: 'accept' });
    expect([...side.book.tokens().keys()]).toEqual([presenceToken(kept)]);
  });

  it('checks the name of a request once, not again for each time it is asked under that name', async () => {
    const [ann, mallory] = [person('Ann'), person('Mallory')];
    const side = new Side(ann);
    for (let i = 0; i < 5; i++)
      await side.book.receive(mallory.userId, mallory.signingKey, request(randomKey(), 'Mallory'));
    expect(side.lookups).toEqual(['Mallory']);
    await side.book.receive(mallory.userId, mallory.signingKey, request(randomKey(), 'Mal'));
    expect(side.lookups).toEqual(['Mallory', 'Mal']);
  });

  it('forgets a declined request; declines only requests', async () => {
    const [ann, bob, carol] = [person('Ann'), person('Bob'), person('Carol')];
    const side = new Side(ann, [contactRecord(carol.userId, 'accepted')]);
    await side.book.receive(bob.userId, bob.signingKey, request(randomKey(), 'Bob'));
    await side.book.decline(bob.userId);
    expect(side.book.get(bob.userId)).toBeUndefined();
    expect(side.stored.has(bob.userId)).toBe(false);
    expect(side.book.admits(bob.userId)).toBe('stranger');
    expect(side.sent).toEqual([]); // they are not told
    await expect(side.book.decline(carol.userId)).rejects.toThrow('no request');
  });

  it('blocks: the server is told, the secret and tokens are gone; unblocked, they are forgotten', async () => {
    const [ann, bob] = [person('Ann'), person('Bob')];
    const side = new Side(ann, [
      contactRecord(bob.userId, 'accepted', { name: 'Bob', signingKey: bob.signingKey, alias: 'B' }),
    ]);
    expect(side.book.tokens().size).toBe(1);
    const blocked = await side.book.block(bob.userId, true);
    expect(side.blocks).toEqual([{ userId: bob.userId, blocked: true }]);
    expect(blocked).toMatchObject({ state: 'blocked', alias: 'B' });
    expect(blocked?.secret).toBeUndefined();
    expect(side.stored.get(bob.userId)).toEqual(blocked);
    expect(side.book.tokens().size).toBe(0);
    expect(side.book.admits(bob.userId)).toBe('blocked');
    // Nothing they send changes that.
    await side.book.receive(bob.userId, bob.signingKey, request(randomKey(), 'Bob'));
    expect(side.book.get(bob.userId)).toEqual(blocked);

    expect(await side.book.block(bob.userId, false)).toBeUndefined();
    expect(side.blocks.at(-1)).toEqual({ userId: bob.userId, blocked: false });
    expect(side.book.get(bob.userId)).toBeUndefined();
    expect(side.stored.has(bob.userId)).toBe(false);
    expect(side.book.admits(bob.userId)).toBe('stranger');
  });

  it('removes a contact, and renames and mutes one (both undone by an empty alias and muted false)', async () => {
    const [ann, bob] = [person('Ann'), person('Bob')];
    const side = new Side(ann, [contactRecord(bob.userId, 'accepted', { name: 'Bob' })]);
    expect(await side.book.rename(bob.userId, 'Bobby')).toMatchObject({ name: 'Bob', alias: 'Bobby' });
    expect(await side.book.mute(bob.userId, true)).toMatchObject({ alias: 'Bobby', muted: true });
    expect(side.stored.get(bob.userId)).toMatchObject({ alias: 'Bobby', muted: true });
    const plain = await side.book.mute(bob.userId, false);
    expect(plain).not.toHaveProperty('muted');
    expect(await side.book.rename(bob.userId, '')).not.toHaveProperty('alias');
    await side.book.remove(bob.userId);
    expect(side.book.list()).toEqual([]);
    expect(side.stored.size).toBe(0);
    await expect(side.book.rename(bob.userId, 'x')).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('keeps a request owed while the server is out of reach, and sends it at the next sign-in', async () => {
    const [ann, bob] = [person('Ann'), person('Bob')];
    const side = new Side(ann);
    side.knows(bob);
    side.mailbox = 'unreachable';
    const asked = await side.book.add('Bob', 'hello');
    expect(asked).toMatchObject({ state: 'outgoing', owed: 'request', greeting: 'hello' });
    expect(side.stored.get(bob.userId)).toMatchObject({ owed: 'request' });
    await side.book.settleOwed();
    expect(side.sent).toEqual([]);

    side.mailbox = 'takes';
    await side.book.settleOwed();
    expect(side.sent).toEqual([{ to: bob.userId, content: request(asked.secret ?? '', 'Ann', 'hello') }]);
    expect(side.book.get(bob.userId)).not.toHaveProperty('owed');
    expect(side.book.get(bob.userId)).not.toHaveProperty('greeting');
    await side.book.settleOwed();
    expect(side.sent).toHaveLength(1);
  });

  it('does not send again, forever, what the server refused', async () => {
    const [ann, bob] = [person('Ann'), person('Bob')];
    const side = new Side(ann);
    side.knows(bob);
    side.mailbox = 'refuses';
    const asked = await side.book.add('Bob');
    expect(asked.state).toBe('outgoing');
    expect(asked.owed).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('was not taken'));
    side.mailbox = 'takes';
    await side.book.settleOwed();
    expect(side.sent).toEqual([]);
  });

  it(`holds at most MAX_CONTACTS (${MAX_CONTACTS}): no more added, a stranger's request dropped`, async () => {
    const ann = person('Ann');
    const full = Array.from({ length: MAX_CONTACTS }, (_, i) =>
      contactRecord(i.toString(16).padStart(32, '0'), 'accepted'),
    );
    const side = new Side(ann, full);
    const [bob, carol] = [person('Bob'), person('Carol')];
    side.knows(bob);
    await expect(side.book.add('Bob')).rejects.toMatchObject({ code: ErrorCode.QuotaExceeded });
    await side.book.receive(carol.userId, carol.signingKey, request(randomKey(), 'Carol'));
    expect(side.book.get(carol.userId)).toBeUndefined();
    expect(side.stored.size).toBe(0); // loaded ones are not written again; nothing new was
    expect(side.book.list()).toHaveLength(MAX_CONTACTS);
    // Someone already listed is still handled.
    const known = full[0];
    if (!known) throw new Error('no contact');
    expect(await side.book.mute(known.userId, true)).toMatchObject({ muted: true });
  });
});
