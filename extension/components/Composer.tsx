import { useRef, useState } from 'preact/hooks';
import { MAX_TEXT_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { ConversationId } from '../lib/model';
import { FormError } from './FormError';

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
      <form
        class="composer"
        aria-busy={sending.busy}
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
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
