import { useEffect, useState } from 'preact/hooks';
import { encode } from 'uqr';
import { groupDigits } from '../../shared/crypto/safety-number';
import type { UserId } from '../../shared/ids';
import type { EngineClient } from '../lib/messaging/client';

interface Props {
  readonly client: EngineClient;
  readonly peerId: UserId;
  readonly peerName: string;
}

/** The safety number with a contact, to compare out of band: read aloud, or scanned as a QR code. */
export function SafetyNumber({ client, peerId, peerName }: Props) {
  const [digits, setDigits] = useState<string>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    client.request('getSafetyNumber', { peerId }).then(
      (result) => setDigits(result.digits),
      (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)),
    );
  }, [client, peerId]);

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!digits) return <p class="hint">Computing…</p>;
  return (
    <figure class="safety-number">
      <QrCode text={digits} />
      <figcaption>
        <p data-testid="safety-number" class="digits">
          {groupDigits(digits)}
        </p>
        <p class="hint">
          Compare these numbers with {peerName}, in person or on a call. If they match, nobody is in between.
        </p>
      </figcaption>
    </figure>
  );
}

/** A QR code drawn as SVG squares from the encoder's module matrix (no markup strings). */
function QrCode({ text }: { readonly text: string }) {
  const { data } = encode(text, { border: 1 });
  const size = data.length;
  return (
    <svg
      viewBox={`0 0 ${size} ${size}`}
      width={128}
      height={128}
      role="img"
      aria-label="Safety number as a QR code"
    >
      <rect width={size} height={size} fill="#fff" />
      {data.flatMap((row, y) =>
        row.map((dark, x) =>
          dark ? <rect key={`${x},${y}`} x={x} y={y} width={1} height={1} fill="#000" /> : null,
        ),
      )}
    </svg>
  );
}
