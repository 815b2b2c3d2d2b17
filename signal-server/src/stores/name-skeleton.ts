import unhomoglyph from 'unhomoglyph';

/** Which nameSkeleton stored skeletons were computed by: change it with nameSkeleton so Redis recomputes them. */
export const NAME_SKELETON_VERSION = '2';

/** UTS #39 skeleton: NFD, each character mapped to its prototype in Unicode's confusables.txt, NFD again. */
const skeleton = (text: string): string => unhomoglyph(text.normalize('NFD')).normalize('NFD');

// Marks of the Inherited script (accents, dots, Arabic harakat) sit on any letter and are small on screen: "ali̇ce"
// (i and a dot above) looks like "alice", "José" like "Jose". Marks a script owns (Devanagari vowel signs, Thai
// vowels) make another letter or syllable, so they stay.
const INHERITED_MARK = /[\p{Mn}\p{Me}]/gu;
const isInherited = /\p{Script=Zinh}/u;

/**
 * The form two names are compared in for looking alike: two names with one skeleton look alike ("mallory" and
 * "rnallory", Latin "coco" and Cyrillic "сосо", "aIice" and "alice"), so the accounts stores let one key hold a
 * skeleton at a time. The UTS #39 skeleton is taken before lowercasing ("I" is a prototype of "l", "i" is not),
 * then of the lowercased text (names compare regardless of case: "AIice" too looks like "alice"), and compared
 * without Inherited marks or runs of white space.
 */
export function nameSkeleton(name: string): string {
  const folded = skeleton(skeleton(name.normalize('NFKC')).toLocaleLowerCase('en-US'));
  return folded
    .replace(INHERITED_MARK, (mark) => (isInherited.test(mark) ? '' : mark))
    .replace(/\s+/gu, ' ')
    .trim();
}
