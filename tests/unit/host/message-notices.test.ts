import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import type { EngineListener } from '../../../extension/lib/engine/view';
import type { Contact, EngineState, RoomView } from '../../../extension/lib/messaging/protocol';
import type { ChatMessage } from '../../../extension/lib/model';
import type { NotificationMode } from '../../../extension/lib/settings';
import { englishMessage } from '../../../extension/lib/english';
import type { MessageKey, Translate } from '../../../extension/lib/i18n';
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

  it('finds the keys a source names: t and tCount, both sides of a choice, never a compared word', () => {
    const source = [
      "t('plain'); t( 'spaced', [name]); tCount('one', 'other', n);",
      "t(video ? 'withVideo' : 'withVoice'); t(view.media === 'video' ? 'yes' : 'no', [x]);",
      "format('notAKey'); const at = 'alsoNot';",
      "t('nested', [String(count('done')), t('inner')]); tCount('many', 'lots', list.filter((x) => f(x, 'y')).length);",
    ].join('\n');
    expect([...keysUsedIn(source)].sort()).toEqual(
      [
        'inner',
        'lots',
        'many',
        'nested',
        'no',
        'one',
        'other',
        'plain',
        'spaced',
        'withVideo',
        'withVoice',
        'yes',
      ].sort(),
    );
  });

  it('every English key is used: quoted in the extension, or named in the manifest (__MSG_key__)', () => {
    const sources = [...sourcesUnder('extension'), 'wxt.config.ts']
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const unused = Object.keys(read('en')).filter(
      (key) => !sources.includes(`'${key}'`) && !sources.includes(`__MSG_${key}__`),
    );
    expect(unused, 'keys in messages.json that no code uses').toEqual([]);
  });

  it('every key the extension names in t() or tCount() is in both files', () => {
    const used = new Set(
      sourcesUnder('extension').flatMap((file) => [...keysUsedIn(readFileSync(file, 'utf8'))]),
    );
    expect(used.size).toBeGreaterThan(300);
    for (const lang of ['en', 'de']) {
      const messages = read(lang);
      expect(
        [...used].filter((key) => !(key in messages)),
        `keys used in code but missing from ${lang}`,
      ).toEqual([]);
    }
  });
});

/** The .ts and .tsx files under `dir` (generated output and dependencies left out). */
function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : sourcesUnder(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/**
 * The message keys a source names in a t() or tCount() call: each quoted word that starts an argument or a branch
 * of a choice (`t(video ? 'a' : 'b')`), not one compared against (`media === 'video'`). Keys picked from a typed
 * record (Record<…, MessageKey>) are checked by the compiler against the English file, and the test above checks
 * German against English.
 */
function keysUsedIn(source: string): Set<string> {
  const keys = new Set<string>();
  for (const call of source.matchAll(/\b(t|tCount)\(/g)) {
    // t: its first argument; tCount: its first two (the one and the other).
    for (const argument of argumentsAt(source, call.index + call[0].length).slice(
      0,
      call[1] === 'tCount' ? 2 : 1,
    ))
      for (const [, key] of argument.matchAll(/(?:^|[?:])\s*'(\w+)'/g)) if (key) keys.add(key);
  }
  return keys;
}

/** A call's arguments as written, from just after its opening bracket: split at its own commas, to its own `)`. */
function argumentsAt(source: string, from: number): string[] {
  const found: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = from;
  for (let at = from; at < source.length; at++) {
    const char = source.charAt(at);
    if (quote) {
      if (char === '\\') at++;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"' || char === '`') quote = char;
    else if ('([{'.includes(char)) depth++;
    else if (depth > 0 && ')]}'.includes(char)) depth--;
    else if (char === ',' || char === ')') {
      found.push(source.slice(start, at));
      if (char === ')') break;
      start = at + 1;
    }
  }
  return found;
}
