import { beforeEach, describe, expect, it, vi } from 'vitest';
import nacl from 'tweetnacl';
import { encodeBytes, userIdOf } from '../../../shared/crypto/identity';
import { ok } from '../../../shared/errors';
import { randomId, type UserId, type ConversationId } from '../../../shared/ids';
import type { ContactContent, Content } from '../../../shared/protocol/content';
import type { SealedMessage } from '../../../shared/protocol/envelope';
import type { MailItem } from '../../../shared/protocol/mailbox';
import { createInbound, type Inbound } from '../../../extension/lib/engine/inbound';
import { createMessageLog } from '../../../extension/lib/engine/message-log';
import type { Profile } from '../../../extension/lib/engine/profile';
import type { ChatMessage, ContactState, MessagePath } from '../../../extension/lib/model';
import type { SignalingConnection } from '../../../extension/lib/transport/signaling';
import { fakeProfile, randomKey, roomId, SETTINGS, userId, type FakeProfile } from './module-fakes';

let fake: FakeProfile;
let current: Profile | undefined;
let inbound: Inbound;
let emitted: ChatMessage[];
let unread: Map<ConversationId, number>;
let receipted: { peerId: UserId; id: string; via: MessagePath; room?: string; status?: string }[];
/** The conversations a page shows now. */
let shown: Set<ConversationId>;
let taken: Content[];
let resets: string[];
let acked: string[];
let batches: { items: MailItem[]; more: boolean }[];
let syncs: number;
/** What the transfers module heard: offers (with whether the receipt had gone yet), answers and pulls. */
let files: { kind: string; from: UserId; id: string; receiptedBefore?: number }[];
/** Who joins a room when the engine asks the server again. */
let joinsOnSync: { room: string; member: UserId } | undefined;

const signaling: SignalingConnection = {
  request: async (event, payload) => {
    if (event === 'mail:ack') acked.push(...(payload as { mailIds: string[] }).mailIds);
    if (event === 'mail:fetch') return ok(batches.shift() ?? { items: [], more: false }) as never;
    return ok({ deleted: 1 }) as never;
  },
  close: () => undefined,
};
let activeSignaling: SignalingConnection | undefined;

beforeEach(() => {
  fake = fakeProfile();
  current = fake.profile;
  [emitted, receipted, taken, resets, acked, batches, files] = [[], [], [], [], [], [], []];
  unread = new Map();
  shown = new Set();
  syncs = 0;
  joinsOnSync = undefined;
  activeSignaling = signaling;
  inbound = createInbound({
    current: () => current,
    signaling: () => activeSignaling,
    syncRooms: async () => {
      syncs += 1;
      if (joinsOnSync) fake.rooms.members.get(joinsOnSync.room)?.push(joinsOnSync.member);
    },
    log: createMessageLog({ emit: (message) => emitted.push(message) }),
    receipts: {
      soon: (_opened, peerId, id, via, room, status) =>
        void receipted.push({
          peerId,
          id,
          via,
          ...(room ? { room } : {}),
          ...(status && status !== 'delivered' ? { status } : {}),
        }),
      take: async (_opened, _peerId, receipt) => void taken.push(receipt),
      requestReset: (_opened, _peerId, id) => void resets.push(id),
    },
    unread: (conversation) => unread.get(conversation) ?? 0,
    setUnread: (conversation, count) => void unread.set(conversation, count),
    shown: (conversation) => shown.has(conversation),
    now: () => 7,
    files: {
      offered: async (_opened, from, _conversation, id) =>
        void files.push({ kind: 'offer', from, id, receiptedBefore: receipted.length }),
      control: async (_opened, from, content) =>
        void files.push({ kind: content.action, from, id: content.id }),
      pulled: async (from, frame) => void files.push({ kind: 'pull', from, id: frame.id }),
      part: async (_opened, from, content) => void files.push({ kind: 'part', from, id: content.id }),
    },
  });
});

/** Mail from `from` holding this content (sealed for us by the fake sessions). */
const mailOf = (
  from: UserId,
  content: Content | Uint8Array,
  id = randomId(),
  outside: Partial<SealedMessage> = {},
): MailItem => ({
  mailId: randomId(),
  from,
  id,
  message: fake.sessions.token(content, outside),
  storedAt: 1,
});
/** A contact from the book (`fake`'s), in this state. */
const contactOf = (state: ContactState): UserId => {
  const someone = userId();
  fake.book.set(someone, state);
  return someone;
};
const request = (greeting?: string): ContactContent => ({
  v: 1,
  kind: 'contact',
  action: 'request',
  secret: randomKey(),
  name: 'Bob',
  ...(greeting === undefined ? {} : { greeting }),
});
/** Someone with a real signing key: their user id derives from it, as a session header must prove. */
const keyed = (): { userId: UserId; signingKey: string } => {
  const key = nacl.sign.keyPair().publicKey;
  return { userId: userIdOf(key), signingKey: encodeBytes(key) };
};
/** The X3DH header a session's first message carries: it proves the sender's signing key. */
const startingSession = (signingKey: string): Partial<SealedMessage> => ({
  prekey: {
    identity: { signingKey, exchangeKey: randomKey(), exchangeKeySignature: '' },
    ephemeral: '',
    signedPrekeyId: 1,
  },
});
const chat = (id: string, room?: string): Content => ({
  v: 1,
  kind: 'chat',
  id,
  text: 'hello',
  sentAt: 5,
  ...(room ? { room: room } : {}),
});

describe('inbound (engine)', () => {
  it('stores a file offer with the message and hands its key to the transfers before the receipt goes', async () => {
    const bob = contactOf('accepted');
    const id = randomId();
    const file = { name: 'cat.png', size: 3, type: 'image/png', sha256: randomKey(), key: randomKey() };
    const offer: Content = { v: 1, kind: 'chat', id, text: 'cat.png', sentAt: 5, file };
    await inbound.receiveMail([mailOf(bob, offer, id)]);
    expect(emitted[0]?.file).toEqual({ name: 'cat.png', size: 3, type: 'image/png' });
    expect(files).toEqual([{ kind: 'offer', from: bob, id, receiptedBefore: 0 }]);
    expect(receipted).toEqual([{ peerId: bob, id, via: 'server' }]);
  });

  it('passes file answers and pulls to the transfers, and stores nothing for them', async () => {
    const bob = contactOf('accepted');
    const offer = randomId();
    await inbound.receiveMail([mailOf(bob, { v: 1, kind: 'file', action: 'accept', id: offer })]);
    await inbound.receiveFrame(bob, { v: 1, kind: 'file-pull', id: offer, from: 3, stream: 17 });
    await inbound.receiveFrame(bob, { v: 1, kind: 'file-pull', id: offer, from: -1, stream: 17 });
    expect(files).toEqual([
      { kind: 'accept', from: bob, id: offer },
      { kind: 'pull', from: bob, id: offer },
    ]);
    expect(emitted).toEqual([]);
  });

  it('stores mail once, counts it unread, queues a delivered receipt and acknowledges it', async () => {
    const bob = contactOf('accepted');
    const id = randomId();
    const item = mailOf(bob, chat(id), id);
    await inbound.receiveMail([item]);
    expect(emitted).toEqual([
      { id, peerId: bob, direction: 'in', text: 'hello', sentAt: 5, status: 'delivered', via: 'server' },
    ]);
    expect(unread.get(bob)).toBe(1);
    expect(receipted).toEqual([{ peerId: bob, id, via: 'server' }]);
    expect(acked).toEqual([item.mailId]);
    // The same message again (say, directly): not stored or counted again, only receipted again.
    await inbound.receiveMail([{ ...item, mailId: randomId() }]);
    expect(emitted).toHaveLength(1);
    expect(unread.get(bob)).toBe(1);
    expect(receipted).toHaveLength(2);
  });

  it('takes a message in a conversation a page shows as read: not counted unread, and its receipt says read', async () => {
    const bob = contactOf('accepted');
    shown.add(bob);
    const id = randomId();
    await inbound.receiveMail([mailOf(bob, chat(id), id)]);
    expect(emitted).toEqual([
      { id, peerId: bob, direction: 'in', text: 'hello', sentAt: 5, status: 'read', via: 'server' },
    ]);
    expect(unread.get(bob)).toBeUndefined();
    expect(receipted).toEqual([{ peerId: bob, id, via: 'server', status: 'read' }]);
    // With read receipts off, it is read here, and the sender hears only that it arrived.
    current = { ...fake.profile, settings: { ...SETTINGS, sendReadReceipts: false } };
    const next = randomId();
    await inbound.receiveMail([mailOf(bob, chat(next), next)]);
    expect(emitted[1]?.status).toBe('read');
    expect(receipted[1]).toEqual({ peerId: bob, id: next, via: 'server' });
  });

  it('asks a contact to start over when a message cannot be opened, and stores nothing; a stranger is not answered', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const unopenable = mailOf(contactOf('accepted'), chat('x'));
    fake.sessions.open = () => Promise.reject(new Error('no session'));
    await inbound.receiveMail([unopenable]);
    expect(resets).toEqual([unopenable.id]);
    // An answer would tell a stranger that we are online (even appearing offline).
    const fromStranger = mailOf(userId(), chat('y'));
    await inbound.receiveMail([fromStranger]);
    expect(resets).toEqual([unopenable.id]);
    expect(emitted).toEqual([]);
    // Handled, both: the server need not keep them.
    expect(acked).toEqual([unopenable.mailId, fromStranger.mailId]);
    warn.mockRestore();
  });

  it('drops content that is not valid, and a chat whose id differs from the one outside', async () => {
    const bob = contactOf('accepted');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await inbound.receiveMail([
      mailOf(bob, new TextEncoder().encode('{"v":1,"kind":"chat"}')),
      mailOf(bob, chat(randomId())),
    ]);
    expect(emitted).toEqual([]);
    expect(warn.mock.calls.map(([text]) => String(text))).toEqual([
      expect.stringContaining('invalid content'),
      expect.stringContaining('its id differs'),
    ]);
    warn.mockRestore();
  });

  it('hands receipts to the receipts module and a reset to the outbox', async () => {
    const bob = userId();
    const receipt: Content = { v: 1, kind: 'receipt', status: 'read', ids: [randomId()] };
    await inbound.receiveMail([
      mailOf(bob, receipt),
      mailOf(bob, { v: 1, kind: 'reset', ids: [randomId()] }),
    ]);
    expect(taken).toEqual([receipt]);
    expect(fake.delivery.calls).toContainEqual({ method: 'resend', args: [bob] });
    expect(emitted).toEqual([]);
  });

  it('takes a room message only from a member, asking the server once when they may have just joined', async () => {
    const [room, bob, carol] = [roomId(), userId(), userId()];
    fake.rooms.members.set(room, [fake.profile.selfId, bob]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const fromCarol = randomId();
    await inbound.receiveMail([mailOf(carol, chat(fromCarol, room), fromCarol)]);
    expect(syncs).toBe(1);
    expect(emitted).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('not a member'));
    joinsOnSync = { room, member: carol };
    const again = randomId();
    await inbound.receiveMail([mailOf(carol, chat(again, room), again)]);
    expect(emitted).toMatchObject([{ id: again, peerId: room, from: carol }]);
    expect(unread.get(room)).toBe(1);
    expect(receipted.at(-1)).toEqual({ peerId: carol, id: again, via: 'server', room });
    // A copy of it is known as a room message of theirs: receipted for that room, not stored again.
    await inbound.receiveMail([mailOf(carol, chat(again, room), again)]);
    expect(emitted).toHaveLength(1);
    expect(receipted.at(-1)).toEqual({ peerId: carol, id: again, via: 'server', room });
    warn.mockRestore();
  });

  it('records a room’s mail in the mailbox’s order, whichever sender’s message opens faster', async () => {
    const [room, alice, bob] = [roomId(), userId(), userId()];
    fake.rooms.members.set(room, [fake.profile.selfId, alice, bob]);
    const [first, second] = [randomId(), randomId()];
    const open = fake.sessions.open;
    // Alice's message takes longer to open (a ratchet step, say) than Bob's, which came after it.
    fake.sessions.open = async (peerId, message) => {
      if (peerId === alice) await new Promise((resolve) => setTimeout(resolve, 20));
      return open(peerId, message);
    };
    await inbound.receiveMail([
      mailOf(alice, chat(first, room), first),
      mailOf(bob, chat(second, room), second),
    ]);
    expect(emitted.map((message) => message.id)).toEqual([first, second]);
    expect((await fake.profile.conversations.list(room)).map((message) => message.id)).toEqual([
      first,
      second,
    ]);
  });

  it('while locked, drops what comes and acknowledges nothing (the mailbox keeps it)', async () => {
    current = undefined;
    await inbound.receiveMail([mailOf(userId(), chat('x'))]);
    expect(acked).toEqual([]);
    expect(emitted).toEqual([]);
  });

  it('drops a malformed frame before anything is opened', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const open = vi.spyOn(fake.sessions, 'open');
    await inbound.receiveFrame(userId(), { v: 1, kind: 'sealed', id: 'not hex', message: {} });
    expect(open).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('dropped a frame'));
    warn.mockRestore();
  });

  it('fetches the mailbox page by page while more is waiting, and stops for a connection no longer current', async () => {
    const bob = contactOf('accepted');
    const [first, second] = [randomId(), randomId()];
    batches = [
      { items: [mailOf(bob, chat(first), first)], more: true },
      { items: [mailOf(bob, chat(second), second)], more: false },
    ];
    await inbound.fetchMail(signaling);
    expect(emitted.map((m) => m.id)).toEqual([first, second]);
    batches = [{ items: [mailOf(bob, chat(randomId()))], more: false }];
    activeSignaling = undefined;
    await inbound.fetchMail(signaling);
    expect(emitted).toHaveLength(2);
  });

  it('takes a chat from a contact, asked or accepted, and from a request; drops a stranger’s', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const senders = [contactOf('accepted'), contactOf('outgoing'), contactOf('incoming'), userId()];
    const ids = senders.map(() => randomId());
    await inbound.receiveMail(senders.map((from, i) => mailOf(from, chat(ids[i] ?? ''), ids[i])));
    expect(emitted.map((message) => message.peerId)).toEqual(senders.slice(0, 3));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('not a contact'));
    // The stranger's is handled (acknowledged) but not receipted, nor is a request's: nothing tells them it was
    // kept, or that we are online.
    expect(acked).toHaveLength(4);
    expect(receipted.map((receipt) => receipt.peerId)).toEqual(senders.slice(0, 2));
    warn.mockRestore();
  });

  it('drops what a blocked user sent, unopened and unreceipted, and acknowledges it', async () => {
    const mallory = contactOf('blocked');
    const open = vi.spyOn(fake.sessions, 'open');
    const item = mailOf(mallory, chat(randomId()));
    await inbound.receiveMail([item, mailOf(mallory, request('let me in again'))]);
    expect(open).not.toHaveBeenCalled();
    expect(emitted).toEqual([]);
    expect(receipted).toEqual([]);
    expect(fake.book.received).toEqual([]);
    expect(acked).toContain(item.mailId);
  });

  it('hands a contact request to the book with the key its session header proves; a greeting is their first message', async () => {
    const { userId: bob, signingKey: key } = keyed();
    const asked = request('Hi, it is Bob from the climbing club');
    const id = randomId();
    await inbound.receiveMail([mailOf(bob, asked, id, startingSession(key))]);
    expect(fake.book.received).toEqual([{ from: bob, signingKey: key, content: asked }]);
    expect(fake.book.admits(bob)).toBe('request');
    expect(emitted).toEqual([
      {
        id,
        peerId: bob,
        direction: 'in',
        text: 'Hi, it is Bob from the climbing club',
        sentAt: 7,
        status: 'delivered',
        via: 'server',
      },
    ]);
    expect(unread.get(bob)).toBe(1);
    // The sender counts a greeting as sent, never delivered: no receipt for it.
    expect(receipted).toEqual([]);
    // A request without a greeting shows nothing.
    const carol = keyed();
    await inbound.receiveMail([
      mailOf(carol.userId, request(), randomId(), startingSession(carol.signingKey)),
    ]);
    expect(fake.book.admits(carol.userId)).toBe('request');
    expect(emitted).toHaveLength(1);
    // A header whose key is not the sender's (on a session already running it is not checked again) is not taken.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const mallory = userId();
    await inbound.receiveMail([mailOf(mallory, request(), randomId(), startingSession(keyed().signingKey))]);
    expect(fake.book.received.map((received) => received.from)).not.toContain(mallory);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no key known'));
    warn.mockRestore();
  });

  it('takes an acceptance on a session with a contact it knows, and drops one from someone with no known key', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const bob = contactOf('outgoing');
    const accepted: ContactContent = { ...request(), action: 'accept' };
    await inbound.receiveMail([mailOf(bob, accepted)]);
    expect(fake.book.received).toEqual([
      { from: bob, signingKey: fake.book.get(bob)?.signingKey, content: accepted },
    ]);
    const stranger = userId();
    await inbound.receiveMail([mailOf(stranger, accepted)]);
    expect(fake.book.received).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no key known'));
    expect(emitted).toEqual([]);
    warn.mockRestore();
  });

  it('hands a profile key to the profiles: from a request or acceptance that carries one, and from a profile content', async () => {
    const { userId: asker, signingKey } = keyed();
    const contact = contactOf('accepted');
    const [askerKey, contactKey] = [randomKey(), randomKey()];
    await inbound.receiveMail([
      mailOf(asker, { ...request(), profileKey: askerKey }, randomId(), startingSession(signingKey)),
      mailOf(contact, { v: 1, kind: 'profile', key: contactKey, version: 4 }),
    ]);
    await vi.waitFor(() =>
      expect(fake.profiles.keys).toEqual([
        { from: asker, key: askerKey },
        { from: contact, key: contactKey, version: 4 },
      ]),
    );
    // A profile content is neither a message nor receipted; the mail is acknowledged like any.
    expect(emitted).toEqual([]);
    expect(receipted).toEqual([]);
    expect(acked).toHaveLength(2);
  });
});
