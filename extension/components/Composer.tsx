import { useRef, useState } from 'preact/hooks';
import { MAX_TEXT_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { ConversationId } from '../lib/model';
import { FormError } from './FormError';
import { openShareWindow } from '../lib/share/open-share-window';

/** A paperclip, drawn inline (no request, no emoji font). */
const PAPERCLIP = (
  <svg
    viewBox="0 0 24 24"
    width="18"
    height="18"
    aria-hidden="true"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
  >
    <path d="M20 11.5l-8.2 8.2a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8" />
  </svg>
);

interface Props {
  readonly client: EngineClient;
  readonly conversationId: ConversationId;
  /** Who the message goes to, as the header shows it: names the box. */
  readonly title: string;
  readonly canWrite: boolean;
  readonly placeholder: string;
}

/**
 * The box to write the next message. The draft leaves the box only once the engine has taken the message (it is
 * then in the history and the outbox); if the engine refuses it, the draft stays and the reason is shown.
 */
export function Composer({ client, conversationId, title, canWrite, placeholder }: Props) {
  const [draft, setDraft] = useState('');
  const sending = useAction('Not sent');
  const attaching = useAction('The file window did not open');
  // Set at once, not at the next render: a second Enter in the same tick must not send the text twice.
  const inFlight = useRef(false);

  const send = (): void => {
    const text = draft.trim();
    if (!text || inFlight.current) return;
    inFlight.current = true;
    void sending.run(async () => {
      try {
        await client.request('sendText', { peerId: conversationId, text });
        setDraft('');
      } finally {
        inFlight.current = false;
      }
    });
  };

  return (
    <>
      <FormError error={sending.error} />
      <FormError error={attaching.error} />
      <form
        class="composer"
        aria-busy={sending.busy}
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <button
          type="button"
          class="attach"
          aria-label="Send a file"
          title="Send a file"
          disabled={!canWrite || attaching.busy}
          onClick={() => void attaching.run(() => openShareWindow({ to: conversationId }))}
        >
          {PAPERCLIP}
        </button>
        <label class="visually-hidden" for="composer-text">
          Message to {title}
        </label>
        <textarea
          id="composer-text"
          value={draft}
          maxLength={MAX_TEXT_LENGTH}
          rows={2}
          disabled={!canWrite}
          // Read-only, not disabled, while sending: the focus stays here for the next message.
          readOnly={sending.busy}
          placeholder={placeholder}
          onInput={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              send();
            }
          }}
        />
        <button type="submit" disabled={sending.busy || !draft.trim() || !canWrite}>
          {sending.busy ? 'Sending…' : 'Send'}
        </button>
      </form>
    </>
  );
}
