import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { MAX_TEXT_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { ChatMessage } from '../lib/model';
import { FormError } from './FormError';
import { Icon } from './Icon';
import { openShareWindow } from '../lib/share/open-share-window';
import './message-actions.css';
import { t } from '../lib/i18n';
import type { ConversationId } from '../../shared/ids';

/** How long the draft waits after a keystroke before the engine keeps it (and tells the contact "typing"), in ms. */
const DRAFT_SAVE_MS = 300;

interface Props {
  readonly client: EngineClient;
  readonly conversationId: ConversationId;
  /** Who the message goes to, as the header shows it: names the box. */
  readonly title: string;
  readonly canWrite: boolean;
  readonly placeholder: string;
  /** The message the next one answers: quoted above the box. */
  readonly replyTo?: ChatMessage | undefined;
  /** One of this profile's own messages whose text the box changes (the draft waits meanwhile). */
  readonly editing?: ChatMessage | undefined;
  /** Who wrote a message, as the conversation names them (for the reply's quote). */
  readonly nameOf?: (message: ChatMessage) => string;
  /** The reply went, the edit was made, or either was cancelled (Escape, or the close button). */
  readonly onSettled?: () => void;
}

/**
 * The box to write the next message. The draft leaves the box only once the engine has taken the message (it is
 * then in the history and the outbox); if the engine refuses it, the draft stays and the reason is shown. The
 * engine keeps the draft in memory while the popup is closed (never on disk) and, when the settings allow it,
 * tells the contact that this profile is typing.
 */
export function Composer({
  client,
  conversationId,
  title,
  canWrite,
  placeholder,
  replyTo,
  editing,
  nameOf,
  onSettled,
}: Props) {
  const [draft, setDraft] = useState('');
  const [edited, setEdited] = useState('');
  const sending = useAction(editing ? t('notEdited') : t('notSent'));
  const attaching = useAction(t('fileWindowNotOpen'));
  // Set at once, not at the next render: a second Enter in the same tick must not send the text twice.
  const inFlight = useRef(false);
  const saving = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const box = useRef<HTMLTextAreaElement>(null);
  /** Typed since the draft was last handed to the engine. */
  const unsaved = useRef<string | undefined>(undefined);
  const text = editing ? edited : draft;

  function saveDraft(peerId: ConversationId, kept: string): void {
    // On failure only the copy kept while the popup is closed is lost: the box still holds the text.
    client.request('setDraft', { peerId, text: kept }).catch(() => undefined);
  }

  // The draft kept for this conversation, unless something was typed already.
  useEffect(() => {
    let live = true;
    setDraft('');
    client.request('getDraft', { peerId: conversationId }).then(
      (kept) => {
        if (live && kept.text) setDraft((typed) => typed || kept.text);
      },
      () => undefined, // none kept (locked meanwhile): the box starts empty
    );
    return () => {
      live = false;
      // Leaving the conversation: what was typed in the last pause is kept too.
      clearTimeout(saving.current);
      if (unsaved.current !== undefined) saveDraft(conversationId, unsaved.current);
      unsaved.current = undefined;
    };
    // saveDraft reads only the client, a dependency already.
  }, [client, conversationId]);

  // Before the box is painted: an effect ran after the paint, so what was typed in the box meanwhile (an edit
  // typed at once) was overwritten by the message's text, and Enter then sent the message unchanged.
  useLayoutEffect(() => {
    if (editing) setEdited(editing.text);
    if (editing ?? replyTo) box.current?.focus();
  }, [editing, replyTo]);

  const keepDraft = (next: string): void => {
    setDraft(next);
    unsaved.current = next;
    clearTimeout(saving.current);
    saving.current = setTimeout(() => {
      unsaved.current = undefined;
      saveDraft(conversationId, next);
    }, DRAFT_SAVE_MS);
  };

  const send = (): void => {
    const trimmed = text.trim();
    if (!trimmed || inFlight.current) return;
    inFlight.current = true;
    void sending.run(async () => {
      try {
        if (editing) {
          await client.request('editMessage', {
            peerId: conversationId,
            messageId: editing.id,
            text: trimmed,
          });
        } else {
          clearTimeout(saving.current); // the engine forgets the draft with the message sent
          unsaved.current = undefined;
          await client.request('sendText', {
            peerId: conversationId,
            text: trimmed,
            ...(replyTo ? { replyTo: replyTo.id } : {}),
          });
          setDraft('');
        }
        onSettled?.();
      } finally {
        inFlight.current = false;
      }
    });
  };

  const context = editing ?? replyTo;
  return (
    <>
      <FormError error={sending.error} />
      <FormError error={attaching.error} />
      {context && (
        <div class="composer-context" data-testid={editing ? 'composer-editing' : 'composer-reply'}>
          <span class="composer-context-text">
            {editing
              ? t('editingMessage')
              : t('replyingTo', [nameOf?.(context) ?? t('aMessage'), context.text])}
          </span>
          <button
            type="button"
            class="icon-button"
            aria-label={editing ? t('cancelEdit') : t('cancelReply')}
            title={t('cancelEscape')}
            onClick={() => onSettled?.()}
          >
            <Icon name="close" size={16} />
          </button>
        </div>
      )}
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
          aria-label={t('sendAFile')}
          title={t('sendAFile')}
          disabled={!canWrite || attaching.busy || editing !== undefined}
          onClick={() => void attaching.run(() => openShareWindow({ to: conversationId }))}
        >
          <Icon name="attach" />
        </button>
        <label class="visually-hidden" for="composer-text">
          {editing ? t('editYourMessage') : t('messageTo', [title])}
        </label>
        <textarea
          id="composer-text"
          ref={box}
          value={text}
          maxLength={MAX_TEXT_LENGTH}
          rows={1}
          disabled={!canWrite}
          // Read-only, not disabled, while sending: the focus stays here for the next message.
          readOnly={sending.busy}
          placeholder={placeholder}
          onInput={(event) => {
            const next = event.currentTarget.value;
            if (editing) setEdited(next);
            else keepDraft(next);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && context) {
              event.preventDefault(); // cancels the reply or edit, and stays in the conversation (App.tsx)
              onSettled?.();
            } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              send();
            }
          }}
        />
        <button
          type="submit"
          class="icon-button primary send"
          aria-label={editing ? t('saveEdit') : sending.busy ? t('sending') : t('send')}
          title={editing ? t('saveEnter') : t('sendEnter')}
          disabled={sending.busy || !text.trim() || !canWrite}
        >
          <Icon name={editing ? 'check' : 'send'} />
        </button>
      </form>
    </>
  );
}
