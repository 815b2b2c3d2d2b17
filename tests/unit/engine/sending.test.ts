import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import { randomId } from '../../../shared/ids';
import { createMessageLog } from '../../../extension/lib/engine/message-log';
import { createSending } from '../../../extension/lib/engine/sending';
import type { ChatMessage } from '../../../extension/lib/model';
import { fakeProfile, roomId, userId } from './module-fakes';

/** What a sent content says: only chat messages and edits carry text. */
const textOf = (content: { kind: string; text?: string }): string | undefined =>
  'text' in content ? content.text : undefined;

function harness() {
  const fake = fakeProfile();
  const emitted: ChatMessage[] = [];
  const clock = 1_000;
  const sending = createSending({
    now: () => clock,
    log: createMessageLog({ emit: (message) => emitted.push(message) }),
  });
  return { fake, emitted, sending };
}

describe('sending (engine)', () => {
  it('stores a message in the history and the outbox before it resolves, in increasing order', async () => {
    const { fake, emitted, sending } = harness();
    const bob = userId();
    fake.book.set(bob, 'accepted');
    const first = await sending.sendText(fake.profile, bob, 'one');
    const second = await sending.sendText(fake.profile, bob, 'two');
    expect(first).toMatchObject({
      peerId: bob,
      direction: 'out',
      text: 'one',
      status: 'sending',
      sentAt: 1_000,
    });
    expect(emitted).toEqual([first, second]);
    expect(await fake.profile.conversations.list(bob)).toEqual([first, second]);
    expect(fake.delivery.sent.map((sent) => [sent.peerId, textOf(sent.content)])).toEqual([
      [bob, 'one'],
      [bob, 'two'],
    ]);
    const [a, b] = fake.delivery.sent;
    // The same millisecond still gives a later place in the outbox.
    expect(b && a && b.seq > a.seq).toBe(true);
  });

  it('seals a room message for each member the log proves, with one place in the outbox for all', async () => {
    const { fake, sending } = harness();
    const [room, bob, carol] = [roomId(), userId(), userId()];
    fake.rooms.members.set(room, [fake.profile.selfId, bob, carol]);
    fake.rooms.joinedRooms.add(room);
    const message = await sending.sendText(fake.profile, room, 'hi all');
    expect(message.awaiting).toEqual({ delivered: [bob, carol], read: [bob, carol] });
    expect(fake.delivery.sent.map((sent) => sent.peerId)).toEqual([bob, carol]);
    expect(fake.delivery.sent.map((sent) => sent.content.room)).toEqual([room, room]);
    expect(new Set(fake.delivery.sent.map((sent) => sent.seq)).size).toBe(1);
  });

  it('refuses, storing nothing: no name chosen, a room not joined, a stranger, a request, a blocked user', async () => {
    const bob = userId();
    const nameless = fakeProfile(null);
    nameless.book.set(bob, 'accepted');
    await expect(harness().sending.sendText(nameless.profile, bob, 'x')).rejects.toMatchObject({
      code: ErrorCode.Unauthenticated,
    });
    const { fake, sending } = harness();
    const room = roomId();
    fake.rooms.members.set(room, [bob]);
    await expect(sending.sendText(fake.profile, room, 'x')).rejects.toThrow(/Join the room/);
    await expect(sending.sendText(fake.profile, bob, 'x')).rejects.toThrow(/Add them as a contact first/);
    fake.book.set(bob, 'incoming');
    await expect(sending.sendText(fake.profile, bob, 'x')).rejects.toThrow(/Accept their contact request/);
    fake.book.set(bob, 'blocked');
    await expect(sending.sendText(fake.profile, bob, 'x')).rejects.toThrow(/You blocked this user/);
    expect(fake.delivery.sent).toEqual([]);
    expect(await fake.profile.conversations.list(bob)).toEqual([]);
  });

  it('writes to a contact who has not answered yet, and to room members who are not contacts', async () => {
    const { fake, sending } = harness();
    const [carol, dave, room] = [userId(), userId(), roomId()];
    fake.book.set(carol, 'outgoing');
    await sending.sendText(fake.profile, carol, 'waiting for you');
    fake.rooms.members.set(room, [fake.profile.selfId, dave]);
    fake.rooms.joinedRooms.add(room);
    await sending.sendText(fake.profile, room, 'hi room');
    expect(fake.delivery.sent.map((sent) => [sent.peerId, textOf(sent.content)])).toEqual([
      [carol, 'waiting for you'],
      [dave, 'hi room'],
    ]);
  });

  it('puts back in the outbox what no recipient had confirmed after a restore, and nothing else', async () => {
    const { fake, sending } = harness();
    const [bob, room, carol] = [userId(), roomId(), userId()];
    const message = (status: ChatMessage['status'], extra: Partial<ChatMessage> = {}): ChatMessage => ({
      id: randomId(),
      peerId: bob,
      direction: 'out',
      text: status,
      sentAt: 1,
      status,
      ...extra,
    });
    await sending.requeue(fake.profile, [
      message('sent'),
      message('failed'),
      message('delivered'),
      message('read'),
      { ...message('sending'), direction: 'in' },
      message('sent', { peerId: room, awaiting: { delivered: [carol], read: [carol, bob] } }),
    ]);
    expect(fake.delivery.sent.map((sent) => [sent.peerId, textOf(sent.content)])).toEqual([
      [bob, 'sent'],
      [bob, 'failed'],
      [carol, 'sent'],
    ]);
    expect(fake.delivery.sent.at(-1)?.content.room).toBe(room);
  });
});
