import { describe, expect, it } from 'vitest';
import { randomId, type ConversationId } from '../../../shared/ids';
import type { ChatMessage } from '../../../extension/lib/model';
import type { RoomView } from '../../../extension/lib/messaging/protocol';
import {
  matches,
  shortTime,
  sortEntries,
  withMessage,
  withRecent,
  type ConversationEntry,
  type ConversationSummary,
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
  it('takes the engine’s list whole, then each change it tells; a page’s own message only where it has none', () => {
    const bob = randomId();
    const room = `r${randomId()}`;
    const gone = randomId();
    const preview = (text: string, at: number): ConversationSummary => ({
      kind: 'text',
      text,
      at,
      direction: 'in',
    });
    let summaries: Summaries = new Map([[gone, preview('of a profile restored over', 1)]]);
    summaries = withRecent(summaries, {
      whole: true,
      conversations: { [bob]: preview('Dinner at eight?', 2_000) },
    });
    expect([...summaries.keys()]).toEqual([bob]);
    // Shown by the page before the engine's list covered it: taken, as the engine would preview it.
    const photo = message(room, 'photo.jpg', 3_000, {
      direction: 'out',
      file: { name: 'photo.jpg', size: 1, type: 'image/jpeg' },
    });
    summaries = withMessage(summaries, photo);
    expect(summaries.get(room)).toEqual({ kind: 'file', text: 'photo.jpg', at: 3_000, direction: 'out' });
    // The engine's preview counts: a page's copy of an older message does not replace it.
    expect(withMessage(summaries, message(bob, 'older, shown', 1_000))).toBe(summaries);
    summaries = withRecent(summaries, { whole: false, conversations: { [bob]: preview('Yes!', 4_000) } });
    expect(summaries.get(bob)?.text).toBe('Yes!');
    expect(summaries.get(room)?.kind).toBe('file');
  });

  it('sorts by last activity, then unread, then online, then name; rooms among contacts', () => {
    const ana = contactEntry('Ana');
    const bea = contactEntry('Bea', false);
    const cid = contactEntry('Cid', false);
    const hikers = roomEntry('Hikers');
    const summaries: Summaries = new Map([
      [hikers.id, { kind: 'text', text: 'Sunday?', at: 5, direction: 'in' }],
    ]);
    const sorted = sortEntries([ana, bea, cid, hikers], summaries, { [cid.id]: 1 });
    expect(sorted.map((entry) => entry.name)).toEqual(['Hikers', 'Cid', 'Ana', 'Bea']);
    const later: Summaries = new Map([
      ...summaries,
      [bea.id, { kind: 'call', text: 'Missed voice call', at: 9, direction: 'in' }],
    ]);
    expect(sortEntries([ana, bea, cid, hikers], later, {}).map((entry) => entry.name)).toEqual([
      'Bea',
      'Hikers',
      'Ana',
      'Cid',
    ]);
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
