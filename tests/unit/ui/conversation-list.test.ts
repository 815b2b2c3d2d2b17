import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import type { ChatMessage, ConversationId } from '../../../extension/lib/model';
import type { RoomView } from '../../../extension/lib/messaging/protocol';
import {
  matches,
  shortTime,
  sortEntries,
  withMessage,
  type ConversationEntry,
  type Summaries,
} from '../../../extension/lib/ui/conversation-list';
import { contactOf } from '../../support/popup-state';

const message = (peerId: ConversationId, text: string, sentAt: number, extra: Partial<ChatMessage> = {}) =>
  ({ id: randomId(), peerId, direction: 'in', text, sentAt, status: 'delivered', ...extra }) as ChatMessage;

const contactEntry = (name: string, online = true, alias?: string): ConversationEntry => {
  const contact = contactOf(randomId(), name, { online, ...(alias ? { alias } : {}) });
  return { kind: 'contact', id: contact.userId, name: alias ?? name, contact };
};
const roomEntry = (name: string): ConversationEntry => {
  const room = {
    roomId: randomId(),
    name,
    joined: true,
    members: [],
    invited: [],
    timeline: [],
    warnings: [],
  };
  return { kind: 'room', id: room.roomId, name, room: room as unknown as RoomView };
};

describe('the conversation list, as data', () => {
  it('keeps each conversation’s newest message, whatever order they arrive in', () => {
    const id = randomId();
    let summaries: Summaries = new Map();
    summaries = withMessage(summaries, message(id, 'second', 2_000));
    const unchanged = withMessage(summaries, message(id, 'first, late', 1_000));
    expect(unchanged).toBe(summaries);
    summaries = withMessage(
      summaries,
      message(id, 'photo.jpg', 3_000, {
        direction: 'out',
        file: { name: 'photo.jpg', size: 1, type: 'image/jpeg' },
      }),
    );
    expect(summaries.get(id)).toEqual({ text: 'File: photo.jpg', at: 3_000, direction: 'out' });
  });

  it('sorts by last activity, then unread, then online, then name; rooms among contacts', () => {
    const ana = contactEntry('Ana');
    const bea = contactEntry('Bea', false);
    const cid = contactEntry('Cid', false);
    const hikers = roomEntry('Hikers');
    const summaries: Summaries = new Map([[hikers.id, { text: 'Sunday?', at: 5, direction: 'in' }]]);
    const sorted = sortEntries([ana, bea, cid, hikers], summaries, { [cid.id]: 1 });
    expect(sorted.map((entry) => entry.name)).toEqual(['Hikers', 'Cid', 'Ana', 'Bea']);
  });

  it('matches any of a contact’s names, ignoring case and accents', () => {
    const renamed = contactEntry('jose99', true, 'José');
    expect(matches(renamed, 'JOSE')).toBe(true);
    expect(matches(renamed, 'jose9')).toBe(true);
    expect(matches(renamed, 'ana')).toBe(false);
    expect(matches(renamed, '   ')).toBe(true);
    expect(matches(roomEntry('Hikers'), 'hik')).toBe(true);
  });

  it('says a time today, a day this year, a date before, and nothing for a time no Date holds', () => {
    const now = new Date(2026, 5, 15, 18, 0).getTime();
    const today = shortTime(new Date(2026, 5, 15, 9, 30).getTime(), now);
    expect(today?.label).toMatch(/9:30|09:30/);
    expect(shortTime(new Date(2026, 0, 2).getTime(), now)?.label).not.toMatch(/2026/);
    expect(shortTime(new Date(2024, 0, 2).getTime(), now)?.label).toMatch(/2024/);
    expect(shortTime(8_640_000_000_000_001, now)).toBeUndefined();
  });
});
