import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, fail, ok, type Result } from '../../../shared/errors';
import type { UserId } from '../../../shared/ids';
import { DELIVERY_RECEIPT_TIMEOUT_MS, DIRECT_LINK_TIMEOUT_MS } from '../../../shared/limits';
import type { ChatContent } from '../../../shared/protocol/content';
import type { MailAccepted } from '../../../shared/protocol/mailbox';
import type { SealedFrame } from '../../../shared/protocol/peer';
import { createDelivery, type Delivery } from '../../../extension/lib/engine/delivery';
import type { MessagePath } from '../../../extension/lib/model';
import { FakeSessions, memoryOutbox, userId } from './module-fakes';

const chat = (id: string): ChatContent => ({ v: 1, kind: 'chat', id, text: `text ${id}`, sentAt: 1 });
const [A, B, C, D] = ['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32), 'd'.repeat(32)] as const;
const ids = [A, B, C, D];

/** The world around one outbox: a channel that is open or not, a contact online or not, a mailbox. */
class World {
  readonly outbox = memoryOutbox();
  readonly sessions = new FakeSessions();
  link = false;
  online = false;
  server = true;
  mailAnswer: Result<MailAccepted> = ok({ mailId: 'm', expiresAt: 1 });
  readonly direct: { peerId: UserId; id: string }[] = [];
  readonly mail: { peerId: UserId; id: string }[] = [];
  readonly connects: UserId[] = [];
  readonly progress: { id: string; progress: { via: MessagePath } | { error: string } }[] = [];

  delivery(): Delivery {
    return createDelivery({
      outbox: this.outbox,
      seal: (peerId, content) =>
        this.sessions.seal(peerId, new TextEncoder().encode(JSON.stringify(content))),
      linkOpen: () => this.link,
      peerOnline: () => this.online,
      connect: (peerId) => void this.connects.push(peerId),
      sendDirect: async (peerId, frame: SealedFrame) => void this.direct.push({ peerId, id: frame.id }),
      sendMail: (peerId, id) => {
        if (!this.server) return undefined;
        this.mail.push({ peerId, id });
        return Promise.resolve(this.mailAnswer);
      },
      onProgress: (_peerId, content, progress) => void this.progress.push({ id: content.id, progress }),
    });
  }
}

let world: World;
beforeEach(() => {
  vi.useFakeTimers();
  world = new World();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Lets the outbox's queued work (promises and due timers) run. */
const settle = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

describe('delivery (outbox and path)', () => {
  it('stores each message before it leaves, and sends one contact’s messages in order over an open channel', async () => {
    world.link = true;
    const delivery = world.delivery();
    const bob = userId();
    for (const [seq, id] of ids.entries()) await delivery.send(bob, chat(id), seq);
    expect([...world.outbox.entries.values()].map((entry) => entry.content.id)).toEqual(ids);
    await settle();
    expect(world.direct.map((frame) => frame.id)).toEqual(ids);
    expect(world.progress.map((step) => step.progress)).toEqual(Array(4).fill({ via: 'direct' }));
    expect(world.mail).toEqual([]);
    // Confirmed: they leave the outbox, and nothing more goes out when the receipt would have been late.
    await delivery.confirm(bob, ids);
    expect(world.outbox.entries.size).toBe(0);
    await settle(DELIVERY_RECEIPT_TIMEOUT_MS * 2);
    expect(world.mail).toEqual([]);
    delivery.stop();
  });

  it('keeps each contact’s own order when two contacts are written to at once', async () => {
    world.link = true;
    const delivery = world.delivery();
    const [bob, carol] = [userId(), userId()];
    await delivery.send(bob, chat(A), 1);
    await delivery.send(carol, chat(B), 2);
    await delivery.send(bob, chat(C), 3);
    await delivery.send(carol, chat(D), 4);
    await settle();
    const to = (peerId: UserId) => world.direct.filter((frame) => frame.peerId === peerId).map((f) => f.id);
    expect(to(bob)).toEqual([A, C]);
    expect(to(carol)).toEqual([B, D]);
    delivery.stop();
  });

  it('goes through the mailbox at once to a contact who is offline, and marks it relayed', async () => {
    const delivery = world.delivery();
    const bob = userId();
    await delivery.send(bob, chat(A), 1);
    await settle();
    expect(world.direct).toEqual([]);
    expect(world.connects).toEqual([]);
    expect(world.mail).toEqual([{ peerId: bob, id: A }]);
    expect(world.progress).toEqual([{ id: A, progress: { via: 'server' } }]);
    expect([...world.outbox.entries.values()][0]?.relayed).toBe(true);
    // Relayed: a later kick does not send it again; it waits in the outbox for the receipt.
    delivery.kick(bob);
    await settle(DELIVERY_RECEIPT_TIMEOUT_MS * 2);
    expect(world.mail).toHaveLength(1);
    delivery.stop();
  });

  it('gives a channel to an online contact DIRECT_LINK_TIMEOUT_MS to open, then relays', async () => {
    world.online = true;
    const delivery = world.delivery();
    const bob = userId();
    await delivery.send(bob, chat(A), 1);
    await settle();
    expect(world.connects).toEqual([bob]);
    expect(world.mail).toEqual([]);
    await settle(DIRECT_LINK_TIMEOUT_MS - 10);
    expect(world.mail).toEqual([]);
    await settle(20);
    expect(world.mail).toEqual([{ peerId: bob, id: A }]);
    expect(world.direct).toEqual([]);
    delivery.stop();
  });

  it('relays a direct message that got no receipt in time, and everything sent after it', async () => {
    world.link = true;
    world.online = true;
    const delivery = world.delivery();
    const bob = userId();
    await delivery.send(bob, chat(A), 1);
    await settle();
    await delivery.send(bob, chat(B), 2);
    await settle();
    expect(world.direct.map((frame) => frame.id)).toEqual([A, B]);
    await settle(DELIVERY_RECEIPT_TIMEOUT_MS - 10);
    expect(world.mail).toEqual([]);
    await settle(20);
    expect(world.mail.map((mail) => mail.id)).toEqual([A, B]);
    // The same ciphertext: each message was sealed once.
    expect(world.sessions.sealedFor).toHaveLength(2);
    expect(world.progress.at(-1)).toEqual({ id: B, progress: { via: 'server' } });
    delivery.stop();
  });

  it('backs off, doubling, while the mailbox refuses (quota), and says why; then sends', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999); // the longest jitter: each wait at its full length
    world.mailAnswer = fail(ErrorCode.QuotaExceeded, 'Mailbox full');
    const delivery = world.delivery();
    const bob = userId();
    await delivery.send(bob, chat(A), 1);
    await settle();
    expect(world.mail).toHaveLength(1);
    expect(world.progress).toEqual([{ id: A, progress: { error: 'Mailbox full' } }]);
    await settle(1_990);
    expect(world.mail).toHaveLength(1); // first wait: 2 s
    await settle(20);
    expect(world.mail).toHaveLength(2);
    await settle(3_970); // 2 s + 4 s from the first attempt, less 20 ms
    expect(world.mail).toHaveLength(2); // then 4 s
    world.mailAnswer = ok({ mailId: 'm', expiresAt: 1 });
    await settle(40);
    expect(world.mail).toHaveLength(3);
    expect(world.progress.at(-1)).toEqual({ id: A, progress: { via: 'server' } });
    delivery.stop();
  });

  it('waits while the server is unreachable too, and sends when kicked', async () => {
    world.server = false;
    const delivery = world.delivery();
    const bob = userId();
    await delivery.send(bob, chat(A), 1);
    await settle(60_000);
    expect(world.mail).toEqual([]);
    world.server = true;
    delivery.kick();
    await settle();
    expect(world.mail).toEqual([{ peerId: bob, id: A }]);
    delivery.stop();
  });

  it('loads what a previous run left in the outbox and sends it, sealed again, in order', async () => {
    const bob = userId();
    await world.outbox.put({ peerId: bob, content: chat(B), seq: 2 });
    await world.outbox.put({ peerId: bob, content: chat(A), seq: 1 });
    world.link = true;
    const delivery = world.delivery();
    await delivery.load();
    await settle();
    expect(world.direct.map((frame) => frame.id)).toEqual([A, B]);
    delivery.stop();
  });

  it('seals everything unconfirmed again on resend (the contact lost the session)', async () => {
    world.link = true;
    const delivery = world.delivery();
    const bob = userId();
    await delivery.send(bob, chat(A), 1);
    await settle();
    delivery.resend(bob);
    await settle();
    expect(world.sessions.sealedFor).toHaveLength(2);
    expect(world.direct.map((frame) => frame.id)).toEqual([A, A]);
    delivery.stop();
  });
});
