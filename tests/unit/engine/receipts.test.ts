import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, fail, ok, type Result } from '../../../shared/errors';
import { randomId, type UserId } from '../../../shared/ids';
import { MAX_RECEIPT_IDS } from '../../../shared/limits';
import type { MailAccepted } from '../../../shared/protocol/mailbox';
import { createMessageLog } from '../../../extension/lib/engine/message-log';
import type { Profile } from '../../../extension/lib/engine/profile';
import {
  RECEIPT_DELAY_MS,
  RESET_INTERVAL_MS,
  createReceipts,
  type Receipts,
} from '../../../extension/lib/engine/receipts';
import type { ChatMessage } from '../../../extension/lib/model';
import { SETTINGS, fakeProfile, roomId, userId, type FakeProfile } from './module-fakes';

let fake: FakeProfile;
let current: Profile | undefined;
let link: boolean;
let mailAnswer: Result<MailAccepted>;
let direct: UserId[];
let mail: UserId[];
let receipts: Receipts;
let clock: number;

beforeEach(() => {
  vi.useFakeTimers();
  fake = fakeProfile();
  current = fake.profile;
  link = false;
  mailAnswer = ok({ mailId: 'm', expiresAt: 1 });
  [direct, mail] = [[], []];
  clock = 1_000_000;
  receipts = createReceipts({
    current: () => current,
    now: () => clock,
    log: createMessageLog({ emit: () => undefined }),
    directOpen: () => link,
    sendDirect: async (peerId) => void direct.push(peerId),
    sendMail: async (peerId) => {
      mail.push(peerId);
      return mailAnswer;
    },
  });
});
afterEach(() => {
  vi.useRealTimers();
});

/** What was sealed, as content. */
const sealed = () => fake.sessions.contents().map(({ content }) => content);

const message = (peerId: string, direction: 'in' | 'out', extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: randomId(),
  peerId,
  direction,
  text: 't',
  sentAt: 1,
  status: direction === 'in' ? 'delivered' : 'sent',
  ...extra,
});

describe('receipts (engine)', () => {
  it('batches delivered receipts per sender, path and room into one after RECEIPT_DELAY_MS', async () => {
    const [bob, carol] = [userId(), userId()];
    receipts.soon(fake.profile, bob, 'a', 'direct');
    receipts.soon(fake.profile, bob, 'b', 'direct');
    receipts.soon(fake.profile, bob, 'c', 'server');
    receipts.soon(fake.profile, carol, 'd', 'direct');
    await vi.advanceTimersByTimeAsync(RECEIPT_DELAY_MS - 1);
    expect(sealed()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sealed()).toEqual([
      { v: 1, kind: 'receipt', status: 'delivered', ids: ['a', 'b'] },
      { v: 1, kind: 'receipt', status: 'delivered', ids: ['c'] },
      { v: 1, kind: 'receipt', status: 'delivered', ids: ['d'] },
    ]);
  });

  it('sends no batch queued before a lock', async () => {
    receipts.soon(fake.profile, userId(), 'a', 'direct');
    current = undefined;
    await vi.advanceTimersByTimeAsync(RECEIPT_DELAY_MS);
    expect(sealed()).toEqual([]);
  });

  it('goes over the channel only when asked to and one is open; else by mail; a refusal is only logged', async () => {
    const bob = userId();
    await receipts.send(fake.profile, bob, 'read', ['a'], 'direct');
    link = true;
    await receipts.send(fake.profile, bob, 'read', ['b'], 'server');
    await receipts.send(fake.profile, bob, 'read', ['c'], 'direct');
    expect(mail).toEqual([bob, bob]);
    expect(direct).toEqual([bob]);
    mailAnswer = fail(ErrorCode.QuotaExceeded, 'full');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await expect(receipts.send(fake.profile, bob, 'read', ['d'], 'server')).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('full'));
  });

  it('splits a long list into receipts of at most MAX_RECEIPT_IDS ids', async () => {
    const ids = Array.from({ length: MAX_RECEIPT_IDS * 2 + 1 }, (_, i) => `id${i}`);
    await receipts.send(fake.profile, userId(), 'delivered', ids, 'server', roomId());
    const sizes = sealed().map((content) => (content as { ids: string[] }).ids.length);
    expect(sizes).toEqual([MAX_RECEIPT_IDS, MAX_RECEIPT_IDS, 1]);
  });

  it('takes a receipt: the outbox confirms it and the message moves forward, never back', async () => {
    const bob = userId();
    const sent = message(bob, 'out');
    await fake.profile.conversations.add(sent);
    await receipts.take(fake.profile, bob, { v: 1, kind: 'receipt', status: 'read', ids: [sent.id] });
    await receipts.take(fake.profile, bob, { v: 1, kind: 'receipt', status: 'delivered', ids: [sent.id] });
    expect(fake.delivery.confirmed).toEqual([
      { peerId: bob, ids: [sent.id] },
      { peerId: bob, ids: [sent.id] },
    ]);
    expect((await fake.profile.conversations.get(bob, sent.id))?.status).toBe('read');
  });

  it('counts room receipts per member: delivered once all have it, read once all read it', async () => {
    const [room, bob, carol] = [roomId(), userId(), userId()];
    const sent = message(room, 'out', { awaiting: { delivered: [bob, carol], read: [bob, carol] } });
    await fake.profile.conversations.add(sent);
    const take = (from: UserId, status: 'delivered' | 'read') =>
      receipts.take(fake.profile, from, { v: 1, kind: 'receipt', status, ids: [sent.id], room });
    const stored = () => fake.profile.conversations.get(room, sent.id);
    await take(bob, 'read');
    expect(await stored()).toMatchObject({ status: 'sent', awaiting: { delivered: [carol], read: [carol] } });
    await take(carol, 'delivered');
    expect(await stored()).toMatchObject({ status: 'delivered', awaiting: { delivered: [], read: [carol] } });
    await take(carol, 'read');
    expect((await stored())?.status).toBe('read');
  });

  it('counts room receipts that come at once from several members, losing none', async () => {
    const [room, bob, carol] = [roomId(), userId(), userId()];
    const sent = message(room, 'out', { awaiting: { delivered: [bob, carol], read: [bob, carol] } });
    await fake.profile.conversations.add(sent);
    await Promise.all(
      [bob, carol].map((from) =>
        receipts.take(fake.profile, from, { v: 1, kind: 'receipt', status: 'read', ids: [sent.id], room }),
      ),
    );
    expect(await fake.profile.conversations.get(room, sent.id)).toMatchObject({
      status: 'read',
      awaiting: { delivered: [], read: [] },
    });
  });

  it('asks a contact to start over at most once per RESET_INTERVAL_MS', async () => {
    const bob = userId();
    receipts.requestReset(fake.profile, bob, 'a', 'server');
    receipts.requestReset(fake.profile, bob, 'b', 'server');
    clock += RESET_INTERVAL_MS;
    receipts.requestReset(fake.profile, bob, 'c', 'server');
    await vi.advanceTimersByTimeAsync(0);
    expect(sealed()).toEqual([
      { v: 1, kind: 'reset', ids: ['a'] },
      { v: 1, kind: 'reset', ids: ['c'] },
    ]);
  });

  it('marks a shown conversation read and tells each sender, unless read receipts are off', async () => {
    const [room, bob, carol] = [roomId(), userId(), userId()];
    fake.rooms.members.set(room, [fake.profile.selfId, bob, carol]);
    const fromBob = message(room, 'in', { from: bob });
    const fromCarol = message(room, 'in', { from: carol });
    for (const m of [fromBob, fromCarol]) await fake.profile.conversations.add(m);
    await receipts.readConversation(fake.profile, room);
    expect((await fake.profile.conversations.list(room)).map((m) => m.status)).toEqual(['read', 'read']);
    expect(fake.sessions.contents()).toEqual([]); // batched, as delivered receipts are
    await vi.advanceTimersByTimeAsync(RECEIPT_DELAY_MS);
    expect(fake.sessions.contents()).toEqual([
      { peerId: bob, content: { v: 1, kind: 'receipt', status: 'read', ids: [fromBob.id], room } },
      { peerId: carol, content: { v: 1, kind: 'receipt', status: 'read', ids: [fromCarol.id], room } },
    ]);

    const quiet = fakeProfile({ ...SETTINGS, sendReadReceipts: false });
    quiet.book.set(bob, 'accepted');
    const unseen = message(bob, 'in');
    await quiet.profile.conversations.add(unseen);
    current = quiet.profile;
    await receipts.readConversation(quiet.profile, bob);
    await vi.advanceTimersByTimeAsync(RECEIPT_DELAY_MS);
    expect((await quiet.profile.conversations.get(bob, unseen.id))?.status).toBe('read');
    expect(quiet.sessions.sealedFor).toEqual([]);
  });

  it('sends one read receipt, not a delivered one too, for a message read before its delivered receipt left', async () => {
    const [bob, carol] = [userId(), userId()];
    fake.book.set(bob, 'accepted');
    const read = message(bob, 'in');
    const unread = message(carol, 'in');
    for (const m of [read, unread]) await fake.profile.conversations.add(m);
    receipts.soon(fake.profile, bob, read.id, 'direct');
    receipts.soon(fake.profile, carol, unread.id, 'direct');
    await receipts.readConversation(fake.profile, bob);
    await vi.advanceTimersByTimeAsync(RECEIPT_DELAY_MS);
    expect(fake.sessions.contents()).toEqual([
      { peerId: bob, content: { v: 1, kind: 'receipt', status: 'read', ids: [read.id] } },
      { peerId: carol, content: { v: 1, kind: 'receipt', status: 'delivered', ids: [unread.id] } },
    ]);
  });

  it('tells only contacts that their message was read: a request learns only of delivery, a blocked user nothing', async () => {
    const [erin, mallory] = [userId(), userId()];
    fake.book.set(erin, 'incoming');
    fake.book.set(mallory, 'blocked');
    const fromErin = message(erin, 'in');
    const fromMallory = message(mallory, 'in'); // from before the block
    for (const shown of [fromErin, fromMallory]) await fake.profile.conversations.add(shown);
    receipts.soon(fake.profile, erin, fromErin.id, 'server');
    for (const shown of [fromErin, fromMallory]) {
      await receipts.readConversation(fake.profile, shown.peerId);
      expect((await fake.profile.conversations.get(shown.peerId, shown.id))?.status).toBe('read');
    }
    await vi.advanceTimersByTimeAsync(RECEIPT_DELAY_MS);
    expect(fake.sessions.contents()).toEqual([
      { peerId: erin, content: { v: 1, kind: 'receipt', status: 'delivered', ids: [fromErin.id] } },
    ]);
  });
});
