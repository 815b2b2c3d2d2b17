import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { Contact } from '../lib/messaging/protocol';
import { nameReusedWarning } from './contact-view';
import { FormError } from './FormError';
import { t } from '../lib/i18n';

interface ActionsProps {
  readonly client: EngineClient;
  readonly contact: Contact;
  /** After an accept: the contact's conversation opens. */
  readonly onAccepted?: (contact: Contact) => void;
  /** After a decline or a block: the request is gone from where it was, and focus needs a place to go. */
  readonly onGone?: () => void;
}

/** Accept, Decline and Block for a request; a refusal is shown beside them. */
export function RequestActions({ client, contact, onAccepted, onGone }: ActionsProps) {
  const accepting = useAction(t('notAccepted'));
  const declining = useAction(t('notDeclined'));
  const blocking = useAction(t('notBlocked'));
  const busy = accepting.busy || declining.busy || blocking.busy;
  const { userId } = contact;
  return (
    <>
      <div class="request-actions" role="group" aria-label={t('requestFrom', [contact.name])}>
        <button
          type="button"
          data-testid="accept-request"
          disabled={busy}
          onClick={() =>
            void accepting.run(async () => {
              onAccepted?.(await client.request('acceptContact', { userId }));
            })
          }
        >
          {t('accept')}
        </button>
        <button
          type="button"
          data-testid="decline-request"
          disabled={busy}
          onClick={() =>
            void declining.run(async () => {
              await client.request('declineContact', { userId });
              onGone?.();
            })
          }
        >
          {t('decline')}
        </button>
        <button
          type="button"
          class="danger"
          data-testid="block-request"
          disabled={busy}
          onClick={() =>
            void blocking.run(async () => {
              await client.request('blockContact', { userId, blocked: true });
              onGone?.();
            })
          }
        >
          {t('block')}
        </button>
      </div>
      <FormError error={accepting.error ?? declining.error ?? blocking.error} />
    </>
  );
}

/** What a request's name is worth: not confirmed by the server, or once held by another key. */
export function RequestMarks({ contact }: { readonly contact: Contact }) {
  return (
    <>
      {!contact.nameVerified && (
        <span class="unverified" data-testid="request-unverified" title={t('notVerifiedTitle')}>
          {t('notVerified')}
        </span>
      )}
      {contact.nameReused && (
        <strong class="name-reused" data-testid="name-reused">
          {nameReusedWarning(contact)}
        </strong>
      )}
    </>
  );
}

/** Above a request's messages: who asks, what their name is worth, and the answers. */
export function RequestPanel(props: ActionsProps) {
  const { contact } = props;
  return (
    <div class="request-panel" role="region" aria-label={t('contactRequest')} data-testid="request-panel">
      <p>{t('requestPanelText', [contact.name])}</p>
      {!contact.nameVerified && <p class="warning">{t('requestUnverified', [contact.name])}</p>}
      {contact.nameReused && (
        <p class="warning name-reused" role="alert">
          {nameReusedWarning(contact)}
        </p>
      )}
      <RequestActions {...props} />
    </div>
  );
}
