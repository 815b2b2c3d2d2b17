import unhomoglyph from 'unhomoglyph';
import { nameKey } from '../../../shared/names';

/**
 * The UTS #39 skeleton of a name (NFD, each character mapped to its prototype in Unicode's confusables.txt, NFD
 * again), taken of its nameKey and lowercased: two names with one skeleton look alike ("mallory" and "rnallory", Latin "coco" and
 * Cyrillic "сосо"), so the accounts stores let one key hold a skeleton at a time.
 */
export function nameSkeleton(name: string): string {
  // Lowercased again: some prototypes are capitals ("0" → "O"), and names compare regardless of case.
  return nameKey(unhomoglyph(nameKey(name).normalize('NFD'))).normalize('NFD');
}
