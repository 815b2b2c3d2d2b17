import { describe, expect, it } from 'vitest';
import { createIdentityKeys } from '../../extension/lib/crypto/identity';
import { signIn } from '../support/identity';
import { useTestServer } from '../support/server';

const fixture = useTestServer();

/** Signs in a new key as `name` on a socket of its own. */
async function claimName(name: string) {
  return signIn(await fixture.client(), name, createIdentityKeys());
}

describe('look-alike names', () => {
  it('refuses "аlice" (a Cyrillic а) as mixing scripts, whether or not "alice" is taken', async () => {
    expect((await claimName('alice')).ok).toBe(true);
    const mixed = await claimName('\u0430lice');
    expect(mixed).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(mixed.ok || mixed.error.message).toContain('one script');
  });

  it('refuses a name that looks like one another key holds (same UTS #39 skeleton), in one script or not', async () => {
    expect((await claimName('coco')).ok).toBe(true);
    expect((await claimName('mallory')).ok).toBe(true);
    expect((await claimName('bob')).ok).toBe(true);
    for (const lookAlike of ['\u0441\u043e\u0441\u043e' /* Cyrillic "сосо" */, 'rnallory', 'b0b']) {
      const refused = await claimName(lookAlike);
      expect(refused).toMatchObject({ ok: false, error: { code: 'name-taken' } });
      expect(refused.ok || refused.error.message).toContain(`"${lookAlike}" looks like a name`);
    }
    expect(await claimName('MALLORY')).toMatchObject({ ok: false, error: { code: 'name-taken' } });
    expect((await claimName('marlory')).ok).toBe(true); // not a look-alike: a name of its own
  });

  it('refuses invisible characters, look-alike letters and marks, and doubled spaces beside a held name', async () => {
    const holder = createIdentityKeys();
    expect((await signIn(await fixture.client(), 'aliceyix', holder)).ok).toBe(true);
    expect((await claimName('ann leeyib')).ok).toBe(true);
    const invisible = ['\u115F', '\u1160', '\u3164', '\uFE00', '\uFE0F', '\u{E0101}', '\u034F', '\u{1D159}'];
    for (const lookAlike of invisible.map((char) => `alice${char}yix`)) {
      const refused = await claimName(lookAlike);
      expect(refused, JSON.stringify(lookAlike)).toMatchObject({
        ok: false,
        error: { code: 'invalid-payload' },
      });
      expect(refused.ok || refused.error.message).toContain('control or invisible');
    }
    for (const lookAlike of ['aIiceyix', 'AIiceyix', 'ali\u0307ceyix']) {
      const refused = await claimName(lookAlike);
      expect(refused, JSON.stringify(lookAlike)).toMatchObject({ ok: false, error: { code: 'name-taken' } });
    }
    const spaced = await claimName('ann  leeyib');
    expect(spaced).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(spaced.ok || spaced.error.message).toContain('two spaces in a row');
    expect((await signIn(await fixture.client(), 'aliceyix', holder)).ok).toBe(true); // the holder signs in again
  });

  it('lets the key that holds a name take a look-alike of it', async () => {
    const keys = createIdentityKeys();
    expect((await signIn(await fixture.client(), 'coco', keys)).ok).toBe(true);
    expect((await signIn(await fixture.client(), '\u0441\u043e\u0441\u043e', keys)).ok).toBe(true);
  });
});
