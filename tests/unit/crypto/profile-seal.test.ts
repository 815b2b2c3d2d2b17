import { describe, expect, it } from 'vitest';
import { decodeBytes, encodeBytes } from '../../../shared/crypto/identity';
import { randomId } from '../../../shared/ids';
import type { ProfileCard } from '../../../shared/protocol/profile';
import { newProfileKey, openProfile, sealProfile } from '../../../extension/lib/crypto/profile-seal';

const card: ProfileCard = { v: 1, displayName: 'Ana', bio: 'Climbs.\nReads.' };

describe('profile sealing', () => {
  it('opens under its key as the same user and version, to the same card', () => {
    const [key, userId] = [newProfileKey(), randomId()];
    expect(openProfile(key, userId, 3, sealProfile(key, userId, 3, card))).toEqual(card);
  });

  it('binds the user and the version: the same box does not open as another user or version, nor under another key', () => {
    const [key, userId] = [newProfileKey(), randomId()];
    const sealed = sealProfile(key, userId, 3, card);
    expect(() => openProfile(key, userId, 2, sealed)).toThrow(/does not open/);
    expect(() => openProfile(key, randomId(), 3, sealed)).toThrow(/does not open/);
    expect(() => openProfile(newProfileKey(), userId, 3, sealed)).toThrow(/does not open/);
    expect(() => openProfile(key, userId, 3, encodeBytes(new Uint8Array(10)))).toThrow(/too short/);
  });

  it('pads the plaintext, so a short name and a longer one seal to the same size', () => {
    const [key, userId] = [newProfileKey(), randomId()];
    const short = sealProfile(key, userId, 1, { v: 1, displayName: 'Al', bio: '' });
    const longer = sealProfile(key, userId, 1, {
      v: 1,
      displayName: 'Alexandra Konstantinopoulou',
      bio: 'Hi',
    });
    expect(decodeBytes(short).length).toBe(decodeBytes(longer).length);
  });

  it('refuses what opens but is not a profile (a hostile contact seals anything under their own key)', () => {
    const [key, userId] = [newProfileKey(), randomId()];
    const html = { ...card, displayName: 'x'.repeat(65) };
    expect(() => openProfile(key, userId, 1, sealProfile(key, userId, 1, html))).toThrow(/not a profile/);
    const svg = { ...card, avatar: { type: 'image/svg+xml', data: 'PHN2Zz4' } };
    // Sealed as the attacker would; the type is checked on opening.
    expect(() =>
      openProfile(key, userId, 1, sealProfile(key, userId, 1, svg as unknown as ProfileCard)),
    ).toThrow(/avatar\.type/);
    const control = { ...card, displayName: 'Ana\u0007' };
    expect(() => openProfile(key, userId, 1, sealProfile(key, userId, 1, control))).toThrow(/control/);
  });
});
