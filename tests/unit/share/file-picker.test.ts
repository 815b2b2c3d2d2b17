import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, MAX_FILES_PER_SEND } from '../../../shared/limits';
import { filesProblem, formatSize } from '../../../extension/components/share/FilePicker';

/** A File that claims `size` bytes without holding them (the check reads only the size). */
const sized = (name: string, size: number): File => {
  const file = new File([], name);
  Object.defineProperty(file, 'size', { value: size });
  return file;
};

describe('the share window’s choice of files', () => {
  it('is refused before it reaches the engine when there are too many, or one is too large', () => {
    expect(filesProblem([sized('a', 1), sized('b', MAX_FILE_BYTES)])).toBeUndefined();
    expect(
      filesProblem(Array.from({ length: MAX_FILES_PER_SEND + 2 }, (_, index) => sized(`${index}`, 1))),
    ).toBe(`At most ${MAX_FILES_PER_SEND} files at once: remove 2.`);
    expect(filesProblem([sized('huge.iso', MAX_FILE_BYTES + 1)])).toMatch(/^“huge.iso” is larger than/);
  });

  it('shows sizes as people read them', () => {
    expect([0, 999, 1000, 1_500_000, 64 * 1024 ** 3].map(formatSize)).toEqual([
      '0 bytes',
      '999 bytes',
      '1.0 KB',
      '1.5 MB',
      '69 GB',
    ]);
  });
});
