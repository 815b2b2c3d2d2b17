import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import type { EngineListener } from '../../../extension/lib/engine/view';
import type { Contact, EngineState, RoomView } from '../../../extension/lib/messaging/protocol';
import type { ChatMessage } from '../../../extension/lib/model';
import type { NotificationMode } from '../../../extension/lib/settings';
import { englishMessage, type MessageKey, type Translate } from '../../../extension/lib/i18n';
import { conversationFromLocation } from '../../../extension/hooks/conversation-from-location';
import {
  conversationOfNotice,
  messageNoticeId,
  watchMessageNotices,
  wordNotice,
  type MessageNotice,
} from '../../../extension/lib/host/message-notices';

const bob = randomId();
const carol = randomId();
const roomId = `r${randomId()}`;

const contact = (userId: string, name: string, extra: Partial<Contact> = {}): Contact => ({
  userId,
  name,
  state: 'accepted',
  online: true,
  muted: false,
  nameVerified: true,
  nameReused: false,
  ...extra,
});

function state(
  unread: Record<string, number>,
  mode?: NotificationMode,
  extra: Partial<EngineState> = {},
): EngineState {
  const room = {
    roomId,
    name: 'Hikers',
    joined: true,
    members: [{ userId: carol, name: 'Carol', online: true }],
  };
  return {
    vault: 'unlocked',
    settings: {
      name: 'Alice',
      serverUrl: 'https://example.org',
      autoLockMinutes: 0,
      userId: randomId(),
      ...(mode ? { notifications: mode } : {}),
    },
    connection: { status: 'online' },
    contacts: [contact(bob, 'Bob', { alias: 'Bobby' }), contact(carol, 'Carol', { muted: true })],
    links: {},
    unread,
    rooms: [room as unknown as RoomView],
    ...extra,
  };
}

const message = (peerId: string, text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: randomId(),
  peerId,
  direction: 'in',
  text,
  sentAt: 1,
  status: 'delivered',
  ...extra,
});

/** Watches a fake engine and returns what it showed after `events`, with a popup open or not. */
function shown(events: [string, unknown][], popupOpen = false): MessageNotice[] {
  return watched(events, popupOpen).shown;
}

function watched(
  events: [string, unknown][],
  popupOpen = false,
): { shown: MessageNotice[]; cleared: string[] } {
  let listener: EngineListener | undefined;
  const result = { shown: [] as MessageNotice[], cleared: [] as string[] };
  watchMessageNotices(
    {
      subscribe: (added) => {
        listener = added;
        return () => undefined;
      },
    },
    () => popupOpen,
    {
      show: (notice) => result.shown.push(notice),
      clear: (conversation) => result.cleared.push(conversation),
    },
  );
  for (const [name, data] of events) (listener as (name: string, data: unknown) => void)(name, data);
  return result;
}

describe('message notices', () => {
  it('says only "new message" by default, once per message, and nothing when read', () => {
    const notices = shown([
      ['state', state({})],
      ['message', message(bob, 'the secret')],
      ['state', state({ [bob]: 1 })],
      ['state', state({ [bob]: 1 })],
      ['message', message(bob, 'another')],
      ['state', state({ [bob]: 2 })],
      ['state', state({})],
    ]);
    expect(notices).toEqual([
      { conversation: bob, count: 1 },
      { conversation: bob, count: 2 },
    ]);
    expect(JSON.stringify(notices)).not.toContain('secret');
  });

  it('shows the sender and the text when Settings say so, by the shown name, and a room by its name', () => {
    const notices = shown([
      ['state', state({}, 'with-content')],
      ['message', message(bob, '<b>hi</b>')],
      ['message', message(roomId, 'up the hill', { from: carol })],
      ['state', state({ [bob]: 1, [roomId]: 1 }, 'with-content')],
    ]);
    expect(notices).toEqual([
      { conversation: bob, count: 1, content: { sender: 'Bobby', text: '<b>hi</b>' } },
      { conversation: roomId, count: 1, content: { sender: 'Carol', room: 'Hikers', text: 'up the hill' } },
    ]);
  });

  it('shows nothing when off, while a popup is open, for a muted contact or a request', () => {
    const stranger = randomId();
    const withRequest = {
      contacts: [
        contact(stranger, 'Mallory', { state: 'incoming' }),
        contact(carol, 'Carol', { muted: true }),
      ],
    };
    expect(
      shown([
        ['state', state({})],
        ['state', state({ [bob]: 1 }, 'off')],
      ]),
    ).toEqual([]);
    expect(
      shown(
        [
          ['state', state({})],
          ['state', state({ [bob]: 1 })],
        ],
        true,
      ),
    ).toEqual([]);
    expect(
      shown([
        ['state', state({})],
        ['state', state({ [carol]: 1, [stranger]: 1 }, 'with-content', withRequest)],
      ]),
    ).toEqual([]);
  });

  it('takes a notice back once its conversation is read, and every one at a lock', () => {
    const { cleared } = watched([
      ['state', state({})],
      ['state', state({ [bob]: 2, [roomId]: 1 })],
      ['state', state({ [roomId]: 1 })],
      ['state', state({}, undefined, { vault: 'locked' })],
    ]);
    expect(cleared).toEqual([bob, roomId]);
  });

  it('never shows content while locked', () => {
    const notices = shown([
      ['state', state({}, 'with-content')],
      ['message', message(bob, 'the secret')],
      ['state', state({ [bob]: 1 }, 'with-content', { vault: 'locked' })],
    ]);
    expect(notices).toEqual([{ conversation: bob, count: 1 }]);
  });

  it('is worded as plain text, and its id gives the conversation back (and nothing else)', () => {
    const t: Translate = (key, words = []) => `${key}(${words.join(',')})`;
    expect(wordNotice({ conversation: bob, count: 3 }, t)).toEqual({
      title: 'noticeNewMessages(3)',
      message: 'noticeOpenToRead()',
    });
    expect(
      wordNotice(
        {
          conversation: roomId,
          count: 1,
          content: { sender: 'Carol', room: 'Hikers', text: 'x', file: 'a.pdf' },
        },
        t,
      ),
    ).toEqual({
      title: 'noticeSenderInRoom(Carol,Hikers)',
      message: 'noticeSentFile(a.pdf)',
    });
    expect(conversationOfNotice(messageNoticeId(roomId))).toBe(roomId);
    expect(conversationOfNotice(`transfer:${bob}`)).toBeUndefined();
    expect(conversationOfNotice('message:../popup.html')).toBeUndefined();
    // The popup a click opens reads the conversation back from its address, checked the same way.
    expect(conversationFromLocation(`?conversation=${encodeURIComponent(roomId)}`)).toBe(roomId);
    expect(conversationFromLocation('?conversation=%3Cscript%3E')).toBeUndefined();
    expect(conversationFromLocation('')).toBeUndefined();
  });
});

describe('locales', () => {
  it('words English itself when the browser gives no string, placeholders filled in order', () => {
    expect(englishMessage('noticeSenderInRoom', ['Carol', 'Hikers'])).toBe('Carol in Hikers');
    expect(englishMessage('noticeSenderCount', ['$& $1 Bob', '3'])).toBe('$& $1 Bob (3 new)');
    expect(englishMessage('optionsSaved')).toBe('Settings saved');
  });

  const read = (lang: string): Record<string, { message: string; placeholders?: Record<string, unknown> }> =>
    JSON.parse(readFileSync(`extension/public/_locales/${lang}/messages.json`, 'utf8')) as Record<
      string,
      { message: string; placeholders?: Record<string, unknown> }
    >;

  it('German has every English string, with the same placeholders, and nothing else', () => {
    const english = read('en');
    const german = read('de');
    expect(Object.keys(german).sort()).toEqual(Object.keys(english).sort());
    for (const key of Object.keys(english) as MessageKey[]) {
      expect(Object.keys(german[key]?.placeholders ?? {}), key).toEqual(
        Object.keys(english[key]?.placeholders ?? {}),
      );
      expect(german[key]?.message, key).not.toBe('');
    }
  });
});
