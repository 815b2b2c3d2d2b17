import { useMemo } from 'preact/hooks';
import { encode } from 'uqr';

interface Props {
  readonly text: string;
  /** The image's accessible name: what the code holds. */
  readonly label: string;
  /** Width and height on screen, in CSS pixels. */
  readonly size?: number;
}

/**
 * A QR code drawn as SVG from the encoder's module matrix: one path of unit squares, built as Preact elements
 * (never as a markup string). One path, not a rect per module: an invite link has about 800 dark modules.
 */
export function QrCode({ text, label, size = 128 }: Props) {
  const { modules, path } = useMemo(() => {
    const { data } = encode(text, { border: 1 });
    const squares = data.flatMap((row, y) => row.flatMap((dark, x) => (dark ? [`M${x} ${y}h1v1h-1z`] : [])));
    return { modules: data.length, path: squares.join('') };
  }, [text]);
  return (
    <svg
      class="qr-code"
      viewBox={`0 0 ${modules} ${modules}`}
      width={size}
      height={size}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
    >
      <rect width={modules} height={modules} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
