import { MAX_NAME_LENGTH } from '../../shared/limits';
import type { EngineClient } from '../lib/messaging/client';
import type { RoomView } from '../lib/messaging/protocol';
import { InlineForm } from './InlineForm';
import { PublicRooms } from './PublicRooms';
import { t } from '../lib/i18n';
import type { ConversationId } from '../../shared/ids';

interface Props {
  readonly client: EngineClient;
  readonly rooms: readonly RoomView[];
  readonly onSelect: (roomId: ConversationId) => void;
}

/** The ways into a room (the rooms themselves are in the conversation list): create one, join with a code, or find a public one. */
export function RoomActions({ client, rooms, onSelect }: Props) {
  return (
    <section class="room-actions" aria-labelledby="rooms-title">
      <h2 id="rooms-title">{t('rooms')}</h2>
      <InlineForm
        id="new-room"
        label={t('newRoomName')}
        placeholder={t('newRoomName')}
        maxLength={MAX_NAME_LENGTH}
        submitLabel={t('create')}
        onSubmit={async (name) => {
          const made = await client.request('createRoom', { name });
          onSelect(made.roomId);
        }}
      />
      <InlineForm
        id="invite-code"
        label={t('inviteCode')}
        placeholder={t('inviteCodePlaceholder')}
        submitLabel={t('join')}
        onSubmit={async (code) => {
          const joined = await client.request('joinRoom', { code });
          onSelect(joined.roomId);
        }}
      />
      <PublicRooms client={client} rooms={rooms} onSelect={onSelect} />
    </section>
  );
}
