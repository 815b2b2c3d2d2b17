import { describe, expect, it } from 'vitest';
import { nameSkeleton } from '../../../signal-server/src/stores/name-skeleton';

describe('name skeletons', () => {
  it.each([
    ['aIiceyix', 'a capital I for l'],
    ['AIiceyix', 'a capital I for l, capitalised'],
    ['ALiceyix', 'capitals'],
    ['ali\u0307ceyix', 'i and a combining dot above'],
    ['alíceyix', 'an accented i'],
    ['\u0430liceyix', 'a Cyrillic а'],
    ['ａｌｉｃｅｙｉｘ', 'full-width letters'],
  ])('gives %j the skeleton of "aliceyix" (%s)', (lookAlike) => {
    expect(nameSkeleton(lookAlike)).toBe(nameSkeleton('aliceyix'));
  });

  it('compares white space as single spaces', () => {
    expect(nameSkeleton('ann  leeyib')).toBe(nameSkeleton('ann leeyib'));
    expect(nameSkeleton('ann\u3000leeyib')).toBe(nameSkeleton('ann leeyib'));
  });

  it.each([
    ['marlory', 'mallory'],
    ['aliceyiy', 'aliceyix'],
    // Marks a script owns make another syllable: Devanagari "राम" (rāma) is not "रम" (rama).
    ['\u0930\u093e\u092e', '\u0930\u092e'],
  ])('tells %j from %j', (one, other) => {
    expect(nameSkeleton(one)).not.toBe(nameSkeleton(other));
  });
});
