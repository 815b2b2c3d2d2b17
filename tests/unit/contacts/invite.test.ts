import { describe, expect, it } from 'vitest';
import { decodeBytes, userIdOf } from '../../../shared/crypto/identity';
import { MAX_URL_LENGTH } from '../../../shared/limits';
import { INVITE_PATH, inviteLink, readInviteLink } from '../../../extension/lib/contacts/invite';
import { randomKey } from '../../support/contacts';

describe('invite links', () => {
  it('round-trips the server, name and key, and derives the user id from the key', () => {
    const key = randomKey();
    const link = inviteLink('https://chat.example.org/some/path?x=1', 'Ana', key);
    expect(link).toBe(`https://chat.example.org${INVITE_PATH}#Ana.${key}`);
    expect(readInviteLink(link)).toEqual({
      server: 'https://chat.example.org',
      name: 'Ana',
      signingKey: key,
      userId: userIdOf(decodeBytes(key)),
    });
    // Pasted with spaces around it, or from a page on a plain-http test server with a port.
    expect(readInviteLink(`  ${link}\n`)).toMatchObject({ name: 'Ana', signingKey: key });
    expect(readInviteLink(inviteLink('http://localhost:3000', 'Ana', key))).toMatchObject({
      server: 'http://localhost:3000',
    });
  });

  it('carries names with spaces, dots and letters beyond ASCII', () => {
    const key = randomKey();
    for (const name of ['Ana Lúcia', 'Jörg.Müller', '李小龍', 'Zoë 🧗']) {
      const link = inviteLink('https://chat.example.org', name, key);
      expect(link).not.toMatch(/\s/);
      expect(readInviteLink(link)).toMatchObject({ name, signingKey: key });
    }
  });

  it('says a plain name, or a link to something else, is not an invite link', () => {
    for (const text of [
      'Ana',
      'ana@example.org',
      'https://chat.example.org/',
      'https://chat.example.org/x#Ana.k',
    ])
      expect(readInviteLink(text)).toBeUndefined();
    expect(
      readInviteLink(`https://chat.example.org${INVITE_PATH}#${'a'.repeat(MAX_URL_LENGTH)}`),
    ).toBeUndefined();
  });

  it('says clearly what is wrong with a broken link', () => {
    const key = randomKey();
    const base = `https://chat.example.org${INVITE_PATH}#`;
    expect(readInviteLink(`${base}Ana`)).toEqual({ error: 'This invite link is cut short: copy all of it' });
    expect(readInviteLink(`${base}Ana.${key.slice(0, 20)}`)).toEqual({
      error: 'This invite link is damaged: its key part is not a key',
    });
    expect(readInviteLink(`${base}%E0%A4%A.${key}`)).toEqual({
      error: 'This invite link is damaged: its name part does not decode',
    });
    const spaced = readInviteLink(`${base}${encodeURIComponent(' Ana')}.${key}`);
    expect(spaced).toEqual({
      error: expect.stringMatching(/^The name in this invite link .*spaces/) as unknown,
    });
    expect(readInviteLink(`${base}.${key}`)).toHaveProperty('error');
  });
});
