import type { FileInfo } from '../lib/model';
import { t } from '../lib/i18n';

// Decimal (SI) units, so "MB" means what it says and matches "MB/s".
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;
const STEP = 1000;

/** A byte count for people: "0 B", "999 B", "1.5 MB", "15 MB" (one decimal below 10, none above). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let value = bytes;
  let unit = 0;
  // Rounds first: 999,960 bytes reads "1.0 MB", not "1000 kB".
  while (unit < UNITS.length - 1 && Math.round(value * 10) / 10 >= STEP) {
    value /= STEP;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value < 9.95 ? value.toFixed(1) : Math.round(value).toString()} ${UNITS[unit]}`;
}

/** A speed for people, always in MB/s so readings compare at a glance: "3.1 MB/s", "0.05 MB/s". */
export function formatSpeed(bytesPerSecond: number): string {
  const megabytes = Math.max(0, bytesPerSecond) / 1e6;
  if (megabytes >= 10) return `${Math.round(megabytes)} MB/s`;
  return `${megabytes >= 0.1 || megabytes === 0 ? megabytes.toFixed(1) : megabytes.toFixed(2)} MB/s`;
}

/** Time left for people: "less than a second", "12 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(seconds: number): string {
  if (!(seconds >= 1)) return t('lessThanSecond');
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return whole % 60 ? `${minutes} min ${whole % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** Seconds until `remaining` bytes have moved at `bytesPerSecond`; undefined while the speed is unknown. */
export function secondsLeft(remaining: number, bytesPerSecond: number | undefined): number | undefined {
  if (bytesPerSecond === undefined || !(bytesPerSecond > 0)) return undefined;
  return Math.max(0, remaining) / bytesPerSecond;
}

/** How much of `size` bytes has moved, as a whole percentage (0-100; an empty file is all there). */
export function percentOf(bytes: number, size: number): number {
  if (size <= 0) return 100;
  // Floored: 100% only once every byte is there.
  return Math.min(100, Math.max(0, Math.floor((bytes / size) * 100)));
}

// C0 and C1 controls, and the marks, embeddings, overrides and isolates that reorder text on screen.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * A file name as offered, made safe to show: a sender picked it, and a right-to-left override can make
 * "cod.exe" look like "exe.doc". Each such character shows as �; the name stays text (never HTML).
 */
export function shownFileName(name: string): string {
  return name.replace(UNSAFE_CHARS, '\ufffd');
}

export type FileKind = 'image' | 'audio' | 'video' | 'pdf' | 'archive' | 'text' | 'other';

const EXTENSIONS: Readonly<Record<Exclude<FileKind, 'other'>, readonly string[]>> = {
  image: ['png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'bmp'],
  audio: ['mp3', 'ogg', 'oga', 'opus', 'wav', 'flac', 'm4a'],
  video: ['mp4', 'webm', 'mkv', 'mov', 'avi', 'ogv'],
  pdf: ['pdf'],
  archive: ['zip', '7z', 'rar', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst'],
  text: ['txt', 'md', 'csv', 'json', 'log', 'xml', 'yaml', 'yml'],
};
const KIND_OF_EXTENSION = new Map<string, FileKind>(
  Object.entries(EXTENSIONS).flatMap(([kind, extensions]) =>
    // Object.entries widens the keys to string; they are EXTENSIONS' keys, each a FileKind.
    extensions.map((extension): [string, FileKind] => [extension, kind as FileKind]),
  ),
);

/** Which icon a file gets, from its declared type and else its extension (both only as the sender claims). */
export function fileKind(file: FileInfo): FileKind {
  const type = file.type.toLowerCase();
  for (const kind of ['image', 'audio', 'video', 'text'] as const)
    if (type.startsWith(`${kind}/`)) return kind;
  if (type === 'application/pdf') return 'pdf';
  if (type === 'application/json') return 'text';
  if (/zip|tar|rar|7z|compressed|gzip/u.test(type)) return 'archive';
  const extension = /\.([a-z0-9]+)$/iu.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return KIND_OF_EXTENSION.get(extension) ?? 'other';
}
