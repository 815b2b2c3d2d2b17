import { useEffect, useState } from 'preact/hooks';
import { groupDigits } from '../../shared/crypto/safety-number';
import type { UserId } from '../../shared/ids';
import type { EngineClient } from '../lib/messaging/client';
import { QrCode } from './QrCode';
import { errorMessage } from '../lib/errors';
import { t } from '../lib/i18n';

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
      (caught: unknown) => setError(errorMessage(caught)),
    );
  }, [client, peerId]);

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!digits) return <p class="hint">{t('computing')}</p>;
  return (
    <figure class="safety-number">
      <QrCode text={digits} label={t('safetyNumberQr')} />
      <figcaption>
        <p data-testid="safety-number" class="digits">
          {groupDigits(digits)}
        </p>
        <p class="hint">{t('safetyNumberHint', [peerName])}</p>
      </figcaption>
    </figure>
  );
}
