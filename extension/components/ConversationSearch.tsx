import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_SEARCH_QUERY_LENGTH } from '../../shared/limits';
import { errorMessage } from '../lib/errors';
import type { EngineClient } from '../lib/messaging/client';
import type { ChatMessage } from '../lib/model';
import { FormError } from './FormError';
import { shownTime } from './log-rows';
import './message-actions.css';
import { t } from '../lib/i18n';
import type { ConversationId } from '../../shared/ids';

/** How long typing must pause before the engine is asked, in ms. */
const SEARCH_PAUSE_MS = 250;

interface Props {
  readonly client: EngineClient;
  readonly conversationId: ConversationId;
}

/**
 * Search in the conversation's history: the engine looks through what it decrypts (the history is encrypted at
 * rest) and gives the newest matches first. Matches are shown as text.
 */
export function ConversationSearch({ client, conversationId }: Props) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<readonly ChatMessage[] | undefined>();
  const [error, setError] = useState<string>();
  const field = useRef<HTMLInputElement>(null);
  // Opened to be used: the field takes the focus (autofocus does not work in a page already loaded).
  useEffect(() => field.current?.focus(), []);
  useEffect(() => {
    const text = query.trim();
    setError(undefined);
    if (!text) {
      setFound(undefined);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      client.request('searchConversation', { peerId: conversationId, query: text }).then(
        (messages) => {
          if (live) setFound(messages);
        },
        (caught: unknown) => {
          if (live) setError(t('notSearched', [errorMessage(caught)]));
        },
      );
    }, SEARCH_PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, conversationId, query]);

  return (
    <div role="search" class="conversation-search" data-testid="conversation-search">
      <label class="visually-hidden" for="conversation-search-text">
        {t('searchConversation')}
      </label>
      <input
        id="conversation-search-text"
        type="search"
        value={query}
        maxLength={MAX_SEARCH_QUERY_LENGTH}
        placeholder={t('searchConversation')}
        ref={field}
        onInput={(event) => setQuery(event.currentTarget.value)}
      />
      <FormError error={error} />
      {found && (
        <>
          <p class="visually-hidden" role="status">
            {found.length === 0 ? t('noMessageFound') : t('foundCount', [String(found.length)])}
          </p>
          {found.length === 0 ? (
            <p>{t('noMessageFound')}</p>
          ) : (
            <ol aria-label={t('messagesFound')}>
              {found.map((message) => {
                const time = shownTime(message.sentAt, Number.NaN);
                return (
                  <li key={`${message.direction}-${message.id}`} data-testid="search-result">
                    {time && <time dateTime={time.iso}>{time.label}</time>} {message.text}
                  </li>
                );
              })}
            </ol>
          )}
        </>
      )}
    </div>
  );
}
