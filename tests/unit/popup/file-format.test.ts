import { describe, expect, it } from 'vitest';
import {
  fileKind,
  formatBytes,
  formatDuration,
  formatSpeed,
  percentOf,
  secondsLeft,
  shownFileName,
} from '../../../extension/components/file-format';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1536, '1.5 kB'],
    [15_000, '15 kB'],
    [999_960, '1.0 MB'],
    [1_500_000, '1.5 MB'],
    [256 * 1024 * 1024, '268 MB'],
    [1024 ** 3, '1.1 GB'],
    [64 * 1024 ** 4, '70 TB'],
  ])('%d bytes read "%s"', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('says it does not know rather than printing NaN', () => {
    expect(formatBytes(Number.NaN)).toBe('?');
    expect(formatBytes(-1)).toBe('?');
  });
});

describe('formatSpeed', () => {
  it.each([
    [0, '0.0 MB/s'],
    [50_000, '0.05 MB/s'],
    [3_140_000, '3.1 MB/s'],
    [42_600_000, '43 MB/s'],
  ])('%d bytes a second read "%s"', (speed, text) => {
    expect(formatSpeed(speed)).toBe(text);
  });
});

describe('formatDuration and secondsLeft', () => {
  it.each([
    [0.4, 'less than a second'],
    [12, '12 s'],
    [12.2, '13 s'],
    [60, '1 min'],
    [125, '2 min 5 s'],
    [3600, '1 h'],
    [3780, '1 h 3 min'],
  ])('%d seconds read "%s"', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('divides what is left by the speed, and knows nothing without a speed', () => {
    expect(secondsLeft(10_000_000, 2_000_000)).toBe(5);
    expect(secondsLeft(10_000_000, 0)).toBeUndefined();
    expect(secondsLeft(10_000_000, undefined)).toBeUndefined();
    expect(secondsLeft(-5, 1000)).toBe(0);
  });
});

describe('percentOf', () => {
  it('floors, so 100% means every byte is there', () => {
    expect(percentOf(999, 1000)).toBe(99);
    expect(percentOf(1000, 1000)).toBe(100);
    expect(percentOf(0, 1000)).toBe(0);
  });

  it('stays within 0-100, and counts an empty file as all there', () => {
    expect(percentOf(2000, 1000)).toBe(100);
    expect(percentOf(-1, 1000)).toBe(0);
    expect(percentOf(0, 0)).toBe(100);
  });
});

describe('shownFileName', () => {
  it('shows a right-to-left override and other controls as �, so a name cannot pass for another', () => {
    expect(shownFileName('invoice\u202egpj.exe')).toBe('invoice\ufffdgpj.exe');
    expect(shownFileName('a\u0000b\u001fc\u2066d\u200fe')).toBe('a\ufffdb\ufffdc\ufffdd\ufffde');
  });

  it('leaves an ordinary name, in any script, as it is', () => {
    expect(shownFileName('Résumé 2026 — final (2).pdf')).toBe('Résumé 2026 — final (2).pdf');
    expect(shownFileName('تقرير.pdf')).toBe('تقرير.pdf');
  });
});

describe('fileKind', () => {
  const kindOf = (name: string, type = ''): string => fileKind({ name, size: 1, type });

  it('goes by the declared type first', () => {
    expect(kindOf('x', 'image/png')).toBe('image');
    expect(kindOf('x', 'audio/ogg')).toBe('audio');
    expect(kindOf('x', 'video/webm')).toBe('video');
    expect(kindOf('x', 'application/pdf')).toBe('pdf');
    expect(kindOf('x', 'application/zip')).toBe('archive');
    expect(kindOf('x', 'text/plain')).toBe('text');
    expect(kindOf('x.png', 'application/json')).toBe('text');
  });

  it('else by the extension, whatever its case, and else a plain file', () => {
    expect(kindOf('Holiday.JPG')).toBe('image');
    expect(kindOf('backup.tar.gz', 'application/octet-stream')).toBe('archive');
    expect(kindOf('notes.md')).toBe('text');
    expect(kindOf('setup.exe')).toBe('other');
    expect(kindOf('README')).toBe('other');
    expect(kindOf('constructor')).toBe('other');
  });
});
