import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { MAX_NAME_LENGTH, MAX_TEXT_LENGTH } from '../../../shared/limits';
import { DisplayNameSchema, WireNameSchema, nameKey } from '../../../shared/names';
import { ContentSchema } from '../../../shared/protocol/content';
import { PeerFrameSchema } from '../../../shared/protocol/peer';
import { encodeBytes } from '../../../shared/crypto/identity';
import { ClientSignalFrameSchema } from '../../../shared/protocol/peerjs';
import { SessionStartSchema, responseSchemas } from '../../../shared/protocol/socket';
import { parse } from '../../../shared/validate';

describe('display names', () => {
  it('trims and accepts letters of any script', () => {
    expect(parse(DisplayNameSchema, '  Zoë 李 ')).toEqual({ ok: true, value: 'Zoë 李' });
  });
  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['x'.repeat(MAX_NAME_LENGTH + 1), `at most ${MAX_NAME_LENGTH}`],
    ['bad\u0000name', 'control or invisible'],
    ['right\u202Eto-left', 'control or invisible'],
    ['zero\u200Bwidth', 'control or invisible'],
    ['\u0430lice', 'one script'], // Cyrillic а, Latin lice
    ['Ελένηa', 'one script'], // Greek and Latin
    ['Kim 김 ミ', 'one script'], // Korean and Japanese
    // Invisible, yet not control or format characters: default-ignorable ones and a blank symbol.
    ['alice\u115F', 'control or invisible'], // Hangul choseong filler
    ['alice\u1160', 'control or invisible'], // Hangul jungseong filler
    ['alice\u3164', 'control or invisible'], // Hangul filler (U+1160 under NFKC)
    ['alice\uFE00', 'control or invisible'], // variation selector 1
    ['alice\uFE0F', 'control or invisible'], // variation selector 16
    ['alice\u{E0101}', 'control or invisible'], // variation selector 18
    ['ali\u034Fce', 'control or invisible'], // combining grapheme joiner
    ['alice\u{1D159}', 'control or invisible'], // musical symbol null notehead
    ['alice\u2800', 'control or invisible'], // braille pattern blank
  ])('refuses %j (%s)', (name, reason) => {
    const result = parse(DisplayNameSchema, name);
    expect(result.ok).toBe(false);
    expect(result.ok || result.message).toContain(reason);
  });
  it.each(['alice', '\u0441\u043e\u0441\u043e', '田中さん', '김철수', 'Mika ミカ', 'José 42 ❤', 'x\u0301'])(
    'accepts %j: one script, Latin with Chinese, Japanese or Korean, digits, emoji and marks with any',
    (name) => {
      expect(parse(DisplayNameSchema, name)).toEqual({ ok: true, value: name });
    },
  );
  it('answers the same once the scripts of many characters are remembered (scriptsOf keeps at most 4096)', () => {
    // Every letter of the Latin, Greek, Cyrillic and CJK blocks, each checked once: more than are remembered.
    for (let code = 0x41; code < 0x4e00 + 6000; code += code === 0x3000 ? 0x4e00 - 0x3000 : 1)
      parse(DisplayNameSchema, String.fromCodePoint(code));
    expect(parse(DisplayNameSchema, '\u0430lice').ok).toBe(false);
    expect(parse(DisplayNameSchema, 'alice').ok).toBe(true);
    expect(parse(DisplayNameSchema, 'Mika ミカ 李').ok).toBe(true);
    expect(parse(DisplayNameSchema, '\u4e00\u0430').ok).toBe(false);
  });
  it('makes typed runs of white space one space, and refuses them in a signed name', () => {
    expect(parse(DisplayNameSchema, 'ann  lee')).toEqual({ ok: true, value: 'ann lee' });
    expect(parse(DisplayNameSchema, 'ann \u3000\tlee')).toEqual({ ok: true, value: 'ann lee' });
    const wire = parse(WireNameSchema, 'ann  lee');
    expect(wire.ok || wire.message).toContain('two spaces in a row');
    expect(parse(WireNameSchema, 'ann lee')).toEqual({ ok: true, value: 'ann lee' });
  });
  it('compares names regardless of case and compatibility forms', () => {
    expect(nameKey('ALICE')).toBe(nameKey('alice'));
    expect(nameKey('ﬁsh')).toBe(nameKey('fish'));
  });
});

describe('names too long', () => {
  it('are refused for their length alone: nothing else scans a name sent as a 256 KiB string', () => {
    // Latin and Cyrillic mixed, and an invisible character: each refused on its own within the length.
    const long = `a\u0430\u200b${'b'.repeat(MAX_NAME_LENGTH * 8_000)}`;
    for (const schema of [DisplayNameSchema, WireNameSchema]) {
      const parsed = parse(schema, long);
      expect(parsed.ok).toBe(false);
      expect(parsed.ok ? '' : parsed.message).toBe(`must be at most ${MAX_NAME_LENGTH} characters`);
    }
  });
});

describe('ids', () => {
  it('makes 32 hex digits, different each time', () => {
    const a = randomId();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(randomId()).not.toBe(a);
  });
});

describe('session:start payload', () => {
  it('lists every failing path', () => {
    const result = parse(SessionStartSchema, { identity: {}, name: 42, extra: true });
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    for (const path of ['identity.signingKey', 'name', 'challenge', 'signature', 'extra'])
      expect(message).toContain(path);
  });
});

describe('responses from the server', () => {
  it('accepts a well-formed answer and refuses one with a foreign error code', () => {
    const ticket = { peerId: randomId(), ticket: '123.abc', expiresAt: 123 };
    expect(parse(responseSchemas['peer:ticket'], { ok: true, data: ticket }).ok).toBe(true);
    expect(
      parse(responseSchemas['peer:ticket'], { ok: false, error: { code: 'pwned', message: '' } }).ok,
    ).toBe(false);
    expect(parse(responseSchemas['peer:ticket'], { ok: true, data: { ...ticket, ticket: 'a b' } }).ok).toBe(
      false,
    );
  });
});

describe('message content (validated again after decryption)', () => {
  const chat = { v: 1, kind: 'chat', id: randomId(), text: 'hi', sentAt: 1_700_000_000_000 };
  it('accepts a chat message', () => {
    expect(parse(ContentSchema, chat)).toEqual({ ok: true, value: chat });
  });
  it.each([
    ['an unknown kind', { ...chat, kind: 'exec' }],
    ['an unknown version', { ...chat, v: 2 }],
    ['empty text', { ...chat, text: '' }],
    ['text over the limit', { ...chat, text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }],
    ['an extra field', { ...chat, html: '<b>' }],
    ['a negative time', { ...chat, sentAt: -1 }],
    ['a non-object', 'chat'],
  ])('refuses %s', (_label, frame) => {
    expect(parse(ContentSchema, frame).ok).toBe(false);
  });
});

describe('peer frames', () => {
  const key = encodeBytes(new Uint8Array(32).fill(1));
  const sealed = {
    v: 1,
    kind: 'sealed',
    id: randomId(),
    message: { v: 1, session: key, envelope: { v: 1, header: { dh: key, pn: 0, n: 0 }, ciphertext: 'AAAA' } },
  };
  it('accepts a sealed frame', () => {
    expect(parse(PeerFrameSchema, sealed)).toEqual({ ok: true, value: sealed });
  });
  it.each([
    ['plaintext chat', { v: 1, kind: 'chat', id: randomId(), text: 'hi', sentAt: 1 }],
    ['a short ratchet key', { ...sealed, message: { ...sealed.message, session: 'AAAA' } }],
    [
      'a prekey header naming another session',
      {
        ...sealed,
        message: {
          ...sealed.message,
          prekey: {
            identity: {
              signingKey: key,
              exchangeKey: key,
              exchangeKeySignature: encodeBytes(new Uint8Array(64)),
            },
            ephemeral: encodeBytes(new Uint8Array(32).fill(2)),
            signedPrekeyId: 1,
          },
        },
      },
    ],
  ])('refuses %s', (_label, frame) => {
    expect(parse(PeerFrameSchema, frame).ok).toBe(false);
  });
});

describe('PeerJS signaling frames', () => {
  it('accepts heartbeats and relayable frames', () => {
    expect(parse(ClientSignalFrameSchema, { type: 'HEARTBEAT' }).ok).toBe(true);
    expect(
      parse(ClientSignalFrameSchema, { type: 'CANDIDATE', dst: randomId(), payload: { candidate: {} } }).ok,
    ).toBe(true);
  });
  it.each([
    [{ type: 'OFFER', payload: {} }],
    [{ type: 'OPEN', dst: randomId() }],
    [{ type: 'OFFER', dst: randomId(), payload: 'sdp' }],
    [null],
  ])('refuses %j', (frame) => {
    expect(parse(ClientSignalFrameSchema, frame).ok).toBe(false);
  });
});
