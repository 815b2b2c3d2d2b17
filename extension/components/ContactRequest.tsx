import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { Contact } from '../lib/messaging/protocol';
import { nameReusedWarning } from './contact-view';
import { FormError } from './FormError';

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
  const accepting = useAction('Not accepted');
  const declining = useAction('Not declined');
  const blocking = useAction('Not blocked');
  const busy = accepting.busy || declining.busy || blocking.busy;
  const { userId } = contact;
  return (
    <>
      <div class="request-actions" role="group" aria-label={`Request from ${contact.name}`}>
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
          Accept
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
          Decline
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
          Block
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
        <span
          class="unverified"
          data-testid="request-unverified"
          title="The server does not confirm that this name belongs to this key"
        >
          not verified
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
    <div class="request-panel" role="region" aria-label="Contact request" data-testid="request-panel">
      <p>
        {contact.name} asks to be your contact. Accept to reply; Decline removes the request without telling
        them; Block also refuses their messages.
      </p>
      {!contact.nameVerified && (
        <p class="warning">
          The server does not confirm that the name “{contact.name}” belongs to this key: anyone could have
          written it.
        </p>
      )}
      {contact.nameReused && (
        <p class="warning name-reused" role="alert">
          {nameReusedWarning(contact)}
        </p>
      )}
      <RequestActions {...props} />
    </div>
  );
}
