import { useState } from 'preact/hooks';
import { MAX_ROOM_QUERY_LENGTH, ROOM_BROWSE_PAGE } from '../../shared/limits';
import type { PublicRoom } from '../../shared/protocol/rooms';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { RoomView } from '../lib/messaging/protocol';
import { FormError } from './FormError';
import { t, tCount } from '../lib/i18n';
import type { ConversationId } from '../../shared/ids';

interface Props {
  readonly client: EngineClient;
  /** The rooms this profile is in: a listed one of them opens instead of being joined again. */
  readonly rooms: readonly RoomView[];
  readonly onSelect: (roomId: ConversationId) => void;
}

const membersText = (count: number): string => tCount('membersOne', 'membersOther', count);

/**
 * Public rooms on this server: browse the newest listed, or search by name, and join one. A listed room shows
 * only its name and member count; joining uses the code it is listed with, like any invite code.
 */
export function PublicRooms({ client, rooms, onSelect }: Props) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ rooms: readonly PublicRoom[]; more: boolean; query: string }>();
  const search = useAction(t('notSearchedPrefix'));
  const join = useAction(t('notJoined'));

  const load = (text: string, offset: number) =>
    search.run(async () => {
      const page = await client.request('browseRooms', { ...(text ? { query: text } : {}), offset });
      setFound({
        rooms: offset === 0 ? page.rooms : [...(found?.rooms ?? []), ...page.rooms],
        more: page.more,
        query: text,
      });
    });

  return (
    <details class="public-rooms">
      <summary>{t('findPublicRoom')}</summary>
      <form
        class="inline-form"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          // A new search: what an earlier one found goes, so nobody takes it for the answer.
          setFound(undefined);
          void load(query.trim(), 0);
        }}
      >
        <label class="visually-hidden" for="public-room-query">
          {t('searchPublicRooms')}
        </label>
        <input
          id="public-room-query"
          type="search"
          value={query}
          maxLength={MAX_ROOM_QUERY_LENGTH}
          placeholder={t('roomQueryPlaceholder')}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
        <button type="submit" disabled={search.busy}>
          {t('search')}
        </button>
      </form>
      <FormError error={search.error ?? join.error} />
      {found && (
        <div aria-live="polite">
          {found.rooms.length === 0 ? (
            <p class="hint" data-testid="public-rooms-empty">
              {found.query ? t('noPublicRoomLike', [found.query]) : t('noRoomListed')}
            </p>
          ) : (
            <ul aria-label={t('publicRooms')} data-testid="public-rooms">
              {found.rooms.map((room) => {
                const mine = rooms.find((own) => own.roomId === room.roomId && own.joined);
                return (
                  <li key={room.roomId} class="public-room">
                    # {room.name} <span class="hint">({membersText(room.members)})</span>{' '}
                    <button
                      type="button"
                      disabled={join.busy}
                      aria-label={t(mine ? 'openRoom' : 'joinRoomName', [room.name])}
                      onClick={() => {
                        if (mine) return onSelect(room.roomId);
                        void join.run(async () => {
                          const joined = await client.request('joinListedRoom', { roomId: room.roomId });
                          onSelect(joined.roomId);
                        });
                      }}
                    >
                      {mine ? t('open') : t('join')}
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          {found.more && (
            <button
              type="button"
              disabled={search.busy}
              onClick={() => void load(found.query, found.rooms.length)}
            >
              {t('moreRooms')}
            </button>
          )}
        </div>
      )}
      <p class="hint">{t('publicRoomsHint', [String(ROOM_BROWSE_PAGE)])}</p>
    </details>
  );
}
