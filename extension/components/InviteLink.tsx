import { useEffect, useState } from 'preact/hooks';
import { useAction } from '../hooks/useAction';
import { errorMessage } from '../lib/errors';
import type { EngineClient } from '../lib/messaging/client';
import { FormError } from './FormError';
import { QrCode } from './QrCode';
import { t } from '../lib/i18n';

interface Props {
  readonly client: EngineClient;
  /** This profile's name: the link carries it, so a new name asks for the link again. */
  readonly name: string;
}

/** This profile's invite link, to copy or to show as a QR code: it carries the key, so whoever adds it knows it is this profile. */
export function InviteLink({ client, name }: Props) {
  const [link, setLink] = useState<string>();
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [copied, setCopied] = useState(false);
  const copy = useAction(t('notCopied'));

  useEffect(() => {
    let live = true;
    setError(undefined);
    client.request('getInviteLink', {}).then(
      (answer) => {
        if (live) setLink(answer.link);
      },
      (caught: unknown) => {
        if (live) setError(t('inviteLinkUnavailable', [errorMessage(caught)]));
      },
    );
    return () => {
      live = false;
    };
  }, [client, name, attempt]);

  const copyLink = (): void => {
    if (link === undefined) return;
    setCopied(false);
    void copy.run(async () => {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    });
  };

  return (
    <section class="invite-link" aria-labelledby="invite-link-title">
      <h2 id="invite-link-title">{t('yourInviteLink')}</h2>
      {error ? (
        <div class="load-failed">
          <FormError error={error} />
          <button type="button" onClick={() => setAttempt((count) => count + 1)}>
            {t('tryAgain')}
          </button>
        </div>
      ) : link === undefined ? (
        <p class="hint">{t('gettingLink')}</p>
      ) : (
        <>
          <p class="hint">{t('inviteLinkHint')}</p>
          <p class="invite-row">
            <code class="invite-code" data-testid="invite-link">
              {link}
            </code>
            <button type="button" data-testid="copy-invite-link" onClick={copyLink} disabled={copy.busy}>
              {t('copy')}
            </button>
          </p>
          {copied && (
            <p class="done" role="status" data-testid="invite-link-copied">
              {t('copied')}
            </p>
          )}
          <FormError error={copy.error} />
          <QrCode text={link} label={t('inviteLinkQr')} size={160} />
        </>
      )}
    </section>
  );
}
