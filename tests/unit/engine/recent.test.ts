import { describe, expect, it, vi } from 'vitest';
import { randomId, type ConversationId } from '../../../shared/ids';
import { MAX_PREVIEW_LENGTH } from '../../../shared/limits';
import { createConversations } from '../../../extension/lib/engine/conversations';
import { createMessageLog, withStatus } from '../../../extension/lib/engine/message-log';
import type { Profile } from '../../../extension/lib/engine/profile';
import { createRecent } from '../../../extension/lib/engine/recent';
import { previewOf, previewText } from '../../../extension/lib/message-preview';
import type { RecentList } from '../../../extension/lib/messaging/conversation-protocol';
import type { RoomView } from '../../../extension/lib/messaging/protocol';
import type { ChatMessage } from '../../../extension/lib/model';
import type { HistoryStore } from '../../../extension/lib/storage/history-store';
import { fakeProfile, memoryHistory, roomId, userId } from './module-fakes';

const message = (peerId: ConversationId, text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: randomId(),
  peerId,
  direction: 'in',
  text,
  sentAt: 1_000,
  status: 'delivered',
  ...extra,
});

/** A profile with Bob a contact and one room, over `history`, whose whole-conversation reads are counted. */
function profileWith(history: HistoryStore) {
  const fake = fakeProfile();
  const bob = userId();
  fake.book.set(bob, 'accepted', { name: 'Bob' });
  const carol = userId();
  fake.book.set(carol, 'accepted', { name: 'Carol', alias: 'Aunt Carol' });
  const room = roomId();
  const listed = vi.fn((peerId: ConversationId) => history.list(peerId));
  const counted: HistoryStore = { ...history, list: listed };
  const profile: Profile = {
    ...fake.profile,
    vault: { ...fake.profile.vault, history: counted },
    conversations: createConversations(counted),
    rooms: { ...fake.profile.rooms, views: () => [{ roomId: room } as RoomView] },
  };
  return { profile, bob, carol, room, listed };
}

function recentOf(profile: Profile | undefined) {
  const events: RecentList[] = [];
  let current = profile;
  const recent = createRecent({ current: () => current, emit: (list) => events.push(list) });
  const log = createMessageLog({ emit: (changed) => recent.seen(changed) });
  return { recent, log, events, lock: () => (current = undefined) };
}

describe('previews (engine)', () => {
  it('puts a message on one line, cut to MAX_PREVIEW_LENGTH with an ellipsis, never inside an emoji', () => {
    expect(previewText('  Dinner\n\tat   eight? ')).toBe('Dinner at eight?');
    const long = previewText('word '.repeat(2_000));
    expect(long).toHaveLength(MAX_PREVIEW_LENGTH);
    expect(long.endsWith('…')).toBe(true);
    const emoji = previewText(`${'a'.repeat(MAX_PREVIEW_LENGTH - 2)}😀😀`);
    expect(emoji).toBe(`${'a'.repeat(MAX_PREVIEW_LENGTH - 2)}…`);
    expect(previewText('<b>bold</b> & <img src=x onerror=alert(1)>')).toBe(
      '<b>bold</b> & <img src=x onerror=alert(1)>',
    );
  });

  it('says what a file, a call, an edit and a delete are, and who wrote in a room', () => {
    const room = roomId();
    const ana = userId();
    const file = message(room, 'photo.jpg', {
      file: { name: 'photo.jpg', size: 5, type: 'image/jpeg' },
      from: ana,
    });
    expect(previewOf(file, 'Ana')).toEqual({
      kind: 'file',
      text: 'photo.jpg',
      at: 1_000,
      direction: 'in',
      from: ana,
      fromName: 'Ana',
    });
    const call = message(userId(), 'Missed voice call', {
      call: { callId: randomId(), media: 'audio', outcome: 'missed' },
    });
    expect(previewOf(call)).toMatchObject({ kind: 'call', text: 'Missed voice call' });
    expect(previewOf(message(userId(), 'fixed', { edited: 2_000, direction: 'out' }))).toEqual({
      kind: 'text',
      text: 'fixed',
      at: 1_000,
      direction: 'out',
      edited: true,
    });
    const deleted = message(userId(), '', { edited: 2_000, deleted: { at: 3_000, forEveryone: true } });
    expect(previewOf(deleted)).toEqual({ kind: 'deleted', text: '', at: 1_000, direction: 'in' });
  });
});

describe('recent conversations (engine)', () => {
  it('lists each conversation’s newest message from the history without reading any whole conversation', async () => {
    const history = memoryHistory();
    const { profile, bob, carol, room, listed } = profileWith(history);
    const ana = userId();
    await history.put(message(bob, 'first'));
    await history.put(message(bob, 'Dinner at eight?', { sentAt: 2_000 }));
    await history.put(message(room, 'Sunday?', { from: ana, sentAt: 3_000 }));
    await history.put(message(room, 'Yes, Sunday', { from: carol, sentAt: 4_000 }));
    const { recent } = recentOf(profile);
    const list = await recent.list();
    expect(list).toEqual({
      whole: true,
      conversations: {
        [bob]: { kind: 'text', text: 'Dinner at eight?', at: 2_000, direction: 'in' },
        [room]: {
          kind: 'text',
          text: 'Yes, Sunday',
          at: 4_000,
          direction: 'in',
          from: carol,
          fromName: 'Aunt Carol',
        },
      },
    });
    expect(listed).not.toHaveBeenCalled();
  });

  it('follows the newest message as messages come and are sent, edited and deleted; older ones’ changes move nothing', async () => {
    const history = memoryHistory();
    const { profile, bob } = profileWith(history);
    const { recent, log, events } = recentOf(profile);
    expect(await recent.list()).toEqual({ whole: true, conversations: {} });
    const conversations = profile.conversations;
    const changes = async (count: number): Promise<RecentList[]> => {
      await vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(count));
      return events.splice(0);
    };
    await changes(1); // the list read whole

    const question = message(bob, 'Dinner at eight?');
    await log.record(conversations, question);
    expect(await changes(1)).toEqual([
      {
        whole: false,
        conversations: { [bob]: { kind: 'text', text: 'Dinner at eight?', at: 1_000, direction: 'in' } },
      },
    ]);
    const answer = message(bob, 'Yes', { direction: 'out', status: 'sending', sentAt: 2_000 });
    await log.record(conversations, answer);
    expect((await changes(1))[0]?.conversations[bob]).toMatchObject({ text: 'Yes', direction: 'out' });

    // A receipt for the answer, or the question read: the preview is the same, so nothing is told.
    await log.advance(conversations, bob, answer.id, 'out', withStatus('read'));
    await log.advance(conversations, bob, question.id, 'in', withStatus('read'));
    await log.advance(conversations, bob, question.id, 'in', (known) => ({ ...known, text: 'Lunch?' }));
    // The edit of the newest is the next change told: none came before it.
    await log.advance(conversations, bob, answer.id, 'out', (known) => ({
      ...known,
      text: 'Yes!',
      edited: 3_000,
    }));
    const edited = await changes(1);
    expect(edited).toHaveLength(1);
    expect(edited[0]?.conversations[bob]).toMatchObject({ text: 'Yes!', edited: true });
    await log.advance(conversations, bob, answer.id, 'out', (known) => ({
      ...known,
      text: '',
      deleted: { at: 4_000, forEveryone: true },
    }));
    expect((await changes(1))[0]?.conversations[bob]).toEqual({
      kind: 'deleted',
      text: '',
      at: 2_000,
      direction: 'out',
    });
    expect((await recent.list()).conversations[bob]).toMatchObject({ kind: 'deleted' });
  });

  it('lists nothing while locked, and reads the history again once opened again', async () => {
    const history = memoryHistory();
    const { profile, bob } = profileWith(history);
    await history.put(message(bob, 'before the lock'));
    const { recent, lock } = recentOf(profile);
    expect(Object.keys((await recent.list()).conversations)).toEqual([bob]);
    lock();
    recent.forget();
    expect(await recent.list()).toEqual({ whole: true, conversations: {} });
    recent.seen(message(bob, 'while locked')); // nothing to preview it with: ignored
    expect(await recentOf(profile).recent.list()).toMatchObject({
      conversations: { [bob]: { text: 'before the lock' } },
    });
  });
});
