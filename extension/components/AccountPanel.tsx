import { useEffect, useRef, useState } from 'preact/hooks';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { EngineState } from '../lib/messaging/protocol';
import { FormError } from './FormError';

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
  const action = useAction(step === 'delete' ? 'The account was not deleted' : 'The name was not released');
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
        setDone(`"${name}" is released on ${server}. To sign in again, choose a new name above and save.`);
      } else {
        await client.request('deleteAccount', {});
        setDone(`Your account on ${server} is deleted. To use it again, choose a name above and save.`);
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
      <h2 id="account-title">Your account on {server}</h2>
      {step === 'choose' && (
        <div class="actions">
          <button type="button" ref={releaseOpener} onClick={() => confirm('release')}>
            Release my name…
          </button>
          <button type="button" ref={deleteOpener} onClick={() => confirm('delete')}>
            Delete my account…
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
            {step === 'release' ? `Release the name "${name}"?` : `Delete your account on ${server}?`}
          </h3>
          {step === 'release' ? (
            <p id="account-confirm-what" class="hint">
              Anyone may take “{name}” on {server} once you release it, and you are signed out there. Your
              key, contacts, rooms, history and the messages waiting for you stay. To sign in again, choose a
              new name above and save.
            </p>
          ) : (
            <ul id="account-confirm-what" class="hint">
              <li>
                {server} forgets everything it holds for you: your name, your public keys, messages waiting
                for you, messages of yours nobody has fetched yet, and your place in rooms (you leave each
                room first; its members see you leave).
              </li>
              <li>Your contacts will see you as gone: the server refuses their messages to you.</li>
              <li>
                Your history and contacts stay in this browser: deleting the account does not erase them
                (removing the extension does).
              </li>
              <li>You can start a new account on {server} later by choosing a name.</li>
            </ul>
          )}
          <FormError error={action.error} />
          <div class="actions">
            <button type="button" ref={cancel} onClick={back} disabled={action.busy}>
              Cancel
            </button>
            <button type="button" onClick={run} disabled={action.busy}>
              {action.busy
                ? step === 'release'
                  ? 'Releasing…'
                  : 'Deleting…'
                : step === 'release'
                  ? `Release “${name}”`
                  : 'Delete my account'}
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
