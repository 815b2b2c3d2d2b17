import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { MAX_TEXT_LENGTH, MAX_URL_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import { shownName } from './contact-view';
import { FormError } from './FormError';
import { InviteLink } from './InviteLink';
import { t } from '../lib/i18n';

interface Props {
  readonly client: EngineClient;
  /** This profile's name, for its invite link. */
  readonly selfName: string;
  /** A request is being sent: the pane that will say so must stay, also when it opened by itself (nobody listed). */
  readonly onAdding?: () => void;
}

/**
 * Asks someone to be a contact, by their exact name or their invite link, with an optional greeting. What the
 * user typed stays until the engine has taken the request; a refusal is shown under the fields.
 */
function AddContactForm({ client, onAdding }: Omit<Props, 'selfName'>) {
  const [query, setQuery] = useState('');
  const [greeting, setGreeting] = useState('');
  const [done, setDone] = useState<string>();
  const adding = useAction(t('notAdded'));
  // Set at once, not at the next render: a second Enter in the same tick must not ask twice.
  const inFlight = useRef(false);
  const field = useRef<HTMLInputElement>(null);
  // Focus to the name as the screen appears (autofocus works only while a page loads), before anything is typed.
  useLayoutEffect(() => field.current?.focus(), []);

  const submit = (event: Event): void => {
    event.preventDefault();
    const wanted = query.trim();
    if (!wanted || inFlight.current) return;
    inFlight.current = true;
    setDone(undefined);
    // Before the request: the engine pushes the new contact before it answers, and a pane that opened by itself
    // (nobody listed yet) must not close mid-request, taking its answer with it.
    onAdding?.();
    void adding.run(async () => {
      try {
        const text = greeting.trim();
        const contact = await client.request('addContact', {
          query: wanted,
          ...(text ? { greeting: text } : {}),
        });
        setQuery('');
        setGreeting('');
        const name = shownName(contact);
        setDone(contact.state === 'accepted' ? t('nowYourContact', [name]) : t('requestSent', [name]));
      } finally {
        inFlight.current = false;
      }
    });
  };

  return (
    <form class="settings add-contact-form" onSubmit={submit} aria-labelledby="add-contact-title">
      <h2 id="add-contact-title">{t('addAContact')}</h2>
      <label>
        {t('nameOrInviteLink')}
        <input
          data-testid="add-contact-input"
          ref={field}
          value={query}
          required
          maxLength={MAX_URL_LENGTH}
          autoComplete="off"
          spellcheck={false}
          aria-describedby="add-contact-hint"
          readOnly={adding.busy}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
      </label>
      <p id="add-contact-hint" class="hint">
        {t('addContactHint')}
      </p>
      <label>
        {t('greetingOptional')}
        <textarea
          data-testid="add-contact-greeting"
          value={greeting}
          rows={2}
          maxLength={MAX_TEXT_LENGTH}
          readOnly={adding.busy}
          onInput={(event) => setGreeting(event.currentTarget.value)}
        />
      </label>
      <FormError error={adding.error} />
      {done && (
        <p class="done" role="status" data-testid="add-contact-done">
          {done}
        </p>
      )}
      <div class="actions">
        <button type="submit" data-testid="add-contact-submit" disabled={adding.busy || !query.trim()}>
          {adding.busy ? t('sending') : t('sendRequest')}
        </button>
      </div>
    </form>
  );
}

/** The main pane for adding people: the form, and this profile's own invite link to give out. */
export function AddContactPanel({ client, selfName, onAdding }: Props) {
  return (
    <section class="add-contact" aria-label={t('addAContact')}>
      <AddContactForm client={client} onAdding={onAdding} />
      <InviteLink client={client} name={selfName} />
    </section>
  );
}
