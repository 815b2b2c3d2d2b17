import { useEffect, useRef, useState } from 'preact/hooks';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { EngineState } from '../lib/messaging/protocol';
import { FormError } from './FormError';
import { t } from '../lib/i18n';

interface Props {
  readonly client: EngineClient;
  readonly settings: NonNullable<EngineState['settings']>;
}

type Step = 'choose' | 'release' | 'delete';

/** The server as people know it: its host (and port), not the whole URL. */
function serverOf(serverUrl: string): string {
  return URL.canParse(serverUrl) ? new URL(serverUrl).host : serverUrl;
}

/**
 * The account on the server: release the name, or delete the account. Each asks for a confirmation that says what
 * will happen; Escape or Cancel goes back to the button that opened it.
 */
export function AccountPanel({ client, settings }: Props) {
  const [step, setStep] = useState<Step>('choose');
  const [done, setDone] = useState<string>();
  const action = useAction(step === 'delete' ? t('accountNotDeleted') : t('nameNotReleased'));
  const releaseOpener = useRef<HTMLButtonElement>(null);
  const deleteOpener = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  /** The confirmation last opened: focus goes back to its button when it closes. */
  const opened = useRef<Exclude<Step, 'choose'> | undefined>(undefined);
  const server = serverOf(settings.serverUrl);
  const { name } = settings;

  // Focus follows the step: to Cancel (the safe choice) when a confirmation opens, back to its opener after.
  useEffect(() => {
    if (step !== 'choose') cancel.current?.focus();
    else if (opened.current) (opened.current === 'release' ? releaseOpener : deleteOpener).current?.focus();
  }, [step]);

  const confirm = (next: Exclude<Step, 'choose'>) => {
    setDone(undefined);
    opened.current = next;
    setStep(next);
  };
  const back = () => setStep('choose');
  const run = (): void => {
    void action.run(async () => {
      if (step === 'release') {
        await client.request('releaseName', {});
        setDone(t('nameReleased', [name, server]));
      } else {
        await client.request('deleteAccount', {});
        setDone(t('accountDeleted', [server]));
      }
      setStep('choose');
    });
  };
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && !action.busy) {
      event.preventDefault();
      back();
    }
  };

  return (
    <section class="settings account" aria-labelledby="account-title">
      <h2 id="account-title">{t('accountOn', [server])}</h2>
      {step === 'choose' && (
        <div class="actions">
          <button type="button" ref={releaseOpener} onClick={() => confirm('release')}>
            {t('releaseMyName')}
          </button>
          <button type="button" ref={deleteOpener} onClick={() => confirm('delete')}>
            {t('deleteMyAccountEllipsis')}
          </button>
        </div>
      )}
      {step !== 'choose' && (
        <div
          class="confirm"
          role="group"
          aria-labelledby="account-confirm-title"
          aria-describedby="account-confirm-what"
          onKeyDown={onKeyDown}
        >
          <h3 id="account-confirm-title">
            {step === 'release' ? t('releaseQuestion', [name]) : t('deleteQuestion', [server])}
          </h3>
          {step === 'release' ? (
            <p id="account-confirm-what" class="hint">
              {t('releaseWhat', [name, server])}
            </p>
          ) : (
            <ul id="account-confirm-what" class="hint">
              <li>{t('deleteWhatServer', [server])}</li>
              <li>{t('deleteWhatContacts')}</li>
              <li>{t('deleteWhatLocal')}</li>
              <li>{t('deleteWhatLater', [server])}</li>
            </ul>
          )}
          <FormError error={action.error} />
          <div class="actions">
            <button type="button" ref={cancel} onClick={back} disabled={action.busy}>
              {t('cancel')}
            </button>
            <button type="button" onClick={run} disabled={action.busy}>
              {action.busy
                ? step === 'release'
                  ? t('releasing')
                  : t('deleting')
                : step === 'release'
                  ? t('releaseName', [name])
                  : t('deleteMyAccount')}
            </button>
          </div>
        </div>
      )}
      {done && (
        <p class="done" role="status">
          {done}
        </p>
      )}
    </section>
  );
}
