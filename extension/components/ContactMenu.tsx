import type { Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_NAME_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { Contact } from '../lib/messaging/protocol';
import { shownName } from './contact-view';
import { FormError } from './FormError';
import { Icon } from './Icon';
import { t } from '../lib/i18n';

interface Props {
  readonly client: EngineClient;
  readonly contact: Contact;
}

type Step = 'closed' | 'menu' | 'rename' | 'block' | 'remove';

/** A question before a step that cannot be taken back at once: Cancel (focused first) or the action. */
function Confirmation({
  id,
  title,
  what,
  action,
  error,
  busy,
  cancelRef,
  onCancel,
  onConfirm,
}: {
  readonly id: string;
  readonly title: string;
  readonly what: string;
  readonly action: { readonly label: string; readonly testId: string };
  readonly error: string | undefined;
  readonly busy: boolean;
  readonly cancelRef: Ref<HTMLButtonElement>;
  readonly onCancel: () => void;
  readonly onConfirm: () => void;
}) {
  return (
    <div class="confirm" role="group" aria-labelledby={`${id}-title`} aria-describedby={`${id}-what`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p id={`${id}-what`} class="hint">
        {what}
      </p>
      <FormError error={error} />
      <div class="actions">
        <button type="button" ref={cancelRef} disabled={busy} onClick={onCancel}>
          {t('cancel')}
        </button>
        <button type="button" class="danger" data-testid={action.testId} disabled={busy} onClick={onConfirm}>
          {action.label}
        </button>
      </div>
    </div>
  );
}

/** The rename form: what the user typed stays when the engine refuses it. */
function RenameForm({
  client,
  contact,
  onDone,
}: {
  readonly client: EngineClient;
  readonly contact: Contact;
  readonly onDone: () => void;
}) {
  const [alias, setAlias] = useState(contact.alias ?? '');
  const renaming = useAction(t('notRenamed'));
  const field = useRef<HTMLInputElement>(null);
  // autofocus works only while a page loads: the field takes the focus from the menu item that opened it.
  useEffect(() => field.current?.focus(), []);
  return (
    <form
      class="rename-form"
      onSubmit={(event) => {
        event.preventDefault();
        void renaming.run(async () => {
          await client.request('renameContact', { userId: contact.userId, alias: alias.trim() });
          onDone();
        });
      }}
    >
      <label>
        {t('nameFor', [contact.name])}
        <input
          data-testid="rename-input"
          ref={field}
          value={alias}
          maxLength={MAX_NAME_LENGTH}
          placeholder={contact.name}
          autoComplete="off"
          aria-describedby="rename-hint"
          onInput={(event) => setAlias(event.currentTarget.value)}
        />
      </label>
      <p id="rename-hint" class="hint">
        {t('renameHint')}
      </p>
      <FormError error={renaming.error} />
      <div class="actions">
        <button type="button" onClick={onDone} disabled={renaming.busy}>
          {t('cancel')}
        </button>
        <button type="submit" data-testid="rename-submit" disabled={renaming.busy}>
          {renaming.busy ? t('saving') : t('save')}
        </button>
      </div>
    </form>
  );
}

/**
 * A contact's actions, behind one button in the conversation header: rename, mute, block or unblock, remove.
 * Block and remove ask first, with the focus on Cancel; Escape steps back, and closing gives the focus back to
 * the button.
 */
export function ContactMenu({ client, contact }: Props) {
  const [step, setStep] = useState<Step>('closed');
  const opener = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const first = useRef<HTMLButtonElement>(null);
  const muting = useAction(t(contact.muted ? 'notUnmuted' : 'notMuted'));
  const blocking = useAction(t(contact.state === 'blocked' ? 'notUnblocked' : 'notBlocked'));
  const removing = useAction(t('notRemoved'));
  const name = shownName(contact);
  const { userId } = contact;
  const busy = muting.busy || blocking.busy || removing.busy;

  // Focus follows the step: Cancel when a confirmation opens, the first item in the menu, the opener when closed.
  const previous = useRef<Step>('closed');
  useEffect(() => {
    if (step === 'block' || step === 'remove') cancel.current?.focus();
    else if (step === 'menu') first.current?.focus();
    else if (step === 'closed' && previous.current !== 'closed') opener.current?.focus();
    previous.current = step;
  }, [step]);

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || busy) return;
    event.preventDefault();
    event.stopPropagation();
    setStep(step === 'menu' ? 'closed' : 'menu');
  };

  const setBlocked = (blocked: boolean): void =>
    void blocking.run(async () => {
      await client.request('blockContact', { userId, blocked });
      setStep('closed');
    });

  return (
    <div class="contact-menu">
      <button
        type="button"
        ref={opener}
        class="icon-button"
        data-testid="contact-menu"
        aria-haspopup="true"
        aria-expanded={step !== 'closed'}
        aria-controls="contact-menu-panel"
        title={t('optionsFor', [name])}
        onClick={() => setStep(step === 'closed' ? 'menu' : 'closed')}
      >
        <Icon name="more" />
        <span class="visually-hidden">{t('optionsFor', [name])}</span>
      </button>
      {step !== 'closed' && (
        <div
          id="contact-menu-panel"
          class="menu-panel"
          role="group"
          aria-label={t('optionsFor', [name])}
          onKeyDown={onKeyDown}
        >
          {step === 'menu' && (
            <>
              {contact.state !== 'blocked' && (
                <button
                  type="button"
                  ref={first}
                  data-testid="rename-contact"
                  onClick={() => setStep('rename')}
                >
                  {t('renameEllipsis')}
                </button>
              )}
              {contact.state === 'accepted' && (
                <button
                  type="button"
                  data-testid="mute-contact"
                  disabled={busy}
                  onClick={() =>
                    void muting.run(async () => {
                      await client.request('muteContact', { userId, muted: !contact.muted });
                    })
                  }
                >
                  {contact.muted ? t('unmute') : t('mute')}
                </button>
              )}
              {contact.state === 'blocked' ? (
                <button
                  type="button"
                  ref={first}
                  data-testid="block-contact"
                  disabled={busy}
                  onClick={() => setBlocked(false)}
                >
                  {t('unblock')}
                </button>
              ) : (
                <button type="button" data-testid="block-contact" onClick={() => setStep('block')}>
                  {t('blockEllipsis')}
                </button>
              )}
              <button type="button" data-testid="remove-contact" onClick={() => setStep('remove')}>
                {contact.state === 'outgoing' ? t('cancelRequestEllipsis') : t('removeEllipsis')}
              </button>
              {contact.muted && <p class="hint">{t('mutedHint', [name])}</p>}
              <FormError error={muting.error ?? blocking.error} />
            </>
          )}
          {step === 'rename' && (
            <RenameForm client={client} contact={contact} onDone={() => setStep('closed')} />
          )}
          {step === 'block' && (
            <Confirmation
              id="block"
              title={t('blockQuestion', [name])}
              what={t('blockWhat')}
              action={{ label: blocking.busy ? t('blocking') : t('block'), testId: 'confirm-block' }}
              error={blocking.error}
              busy={busy}
              cancelRef={cancel}
              onCancel={() => setStep('menu')}
              onConfirm={() => setBlocked(true)}
            />
          )}
          {step === 'remove' && (
            <Confirmation
              id="remove"
              title={t(contact.state === 'outgoing' ? 'cancelRequestQuestion' : 'removeQuestion', [name])}
              what={t('removeWhat', [name])}
              action={{
                label: removing.busy
                  ? t('removing')
                  : contact.state === 'outgoing'
                    ? t('cancelRequest')
                    : t('remove'),
                testId: 'confirm-remove',
              }}
              error={removing.error}
              busy={busy}
              cancelRef={cancel}
              onCancel={() => setStep('menu')}
              onConfirm={() =>
                void removing.run(async () => {
                  await client.request('removeContact', { userId });
                })
              }
            />
          )}
        </div>
      )}
    </div>
  );
}
