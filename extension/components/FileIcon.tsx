import type { JSX } from 'preact';
import type { FileKind } from './file-format';
import { t, type MessageKey } from '../lib/i18n';

const LABELS: Record<FileKind, MessageKey> = {
  image: 'kindImage',
  audio: 'kindAudio',
  video: 'kindVideo',
  pdf: 'kindPdf',
  archive: 'kindArchive',
  text: 'kindText',
  other: 'kindOther',
};

// What each kind draws inside the page outline (24 × 24 units, stroked in the text colour).
const GLYPHS: Record<FileKind, JSX.Element | null> = {
  image: (
    <>
      <circle cx="10" cy="11" r="1.3" />
      <path d="M8 19l3-4 2 2 2-3 2 5z" />
    </>
  ),
  audio: (
    <>
      <path d="M11 18v-7l5-1.5v6.5" />
      <circle cx="9.8" cy="18" r="1.3" />
      <circle cx="14.8" cy="16" r="1.3" />
    </>
  ),
  video: <path d="M10 11l6 3.5-6 3.5z" />,
  pdf: (
    <text
      x="12"
      y="17.5"
      font-size="5"
      font-family="sans-serif"
      text-anchor="middle"
      stroke="none"
      fill="currentColor"
    >
      PDF
    </text>
  ),
  archive: <path d="M12 3v2m0 2v2m0 2v2M11 13h2v3h-2z" />,
  text: <path d="M9 11h6M9 14h6M9 17h4" />,
  other: null,
};

/** A file's kind as a small drawing (inline, so no request and no emoji font), named for screen readers. */
export function FileIcon({ kind }: { readonly kind: FileKind }) {
  return (
    <svg
      class="file-icon"
      viewBox="0 0 24 24"
      width="32"
      height="32"
      role="img"
      aria-label={t(LABELS[kind])}
      fill="none"
      stroke="currentColor"
      stroke-width="1.4"
      stroke-linejoin="round"
      data-kind={kind}
    >
      <path d="M6 2h8l4 4v16H6zM14 2v4h4" />
      {GLYPHS[kind]}
    </svg>
  );
}
