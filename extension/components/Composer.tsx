import { useRef, useState } from 'preact/hooks';
import { MAX_TEXT_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { ConversationId } from '../lib/model';
import { FormError } from './FormError';
import { Icon } from './Icon';
import { openShareWindow } from '../lib/share/open-share-window';

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
          class="icon-button attach"
          aria-label="Send a file"
          title="Send a file"
          disabled={!canWrite || attaching.busy}
          onClick={() => void attaching.run(() => openShareWindow({ to: conversationId }))}
        >
          <Icon name="attach" />
        </button>
        <label class="visually-hidden" for="composer-text">
          Message to {title}
        </label>
        <textarea
          id="composer-text"
          value={draft}
          maxLength={MAX_TEXT_LENGTH}
          rows={1}
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
        <button
          type="submit"
          class="icon-button primary send"
          aria-label={sending.busy ? 'Sending…' : 'Send'}
          title="Send (Enter)"
          disabled={sending.busy || !draft.trim() || !canWrite}
        >
          <Icon name="send" />
        </button>
      </form>
    </>
  );
}
