import { MAX_NAME_LENGTH } from '../../shared/limits';
import type { EngineClient } from '../lib/messaging/client';
import type { RoomView } from '../lib/messaging/protocol';
import type { ConversationId } from '../lib/model';
import { InlineForm } from './InlineForm';
import { PublicRooms } from './PublicRooms';

interface Props {
  readonly client: EngineClient;
  readonly rooms: readonly RoomView[];
  readonly onSelect: (roomId: ConversationId) => void;
}

/** The ways into a room (the rooms themselves are in the conversation list): create one, join with a code, or find a public one. */
export function RoomActions({ client, rooms, onSelect }: Props) {
  return (
    <section class="room-actions" aria-labelledby="rooms-title">
      <h2 id="rooms-title">Rooms</h2>
      <InlineForm
        id="new-room"
        label="New room name"
        placeholder="New room name"
        maxLength={MAX_NAME_LENGTH}
        submitLabel="Create"
        onSubmit={async (name) => {
          const made = await client.request('createRoom', { name });
          onSelect(made.roomId);
        }}
      />
      <InlineForm
        id="invite-code"
        label="Invite code"
        placeholder="Invite code (room:…)"
        submitLabel="Join"
        onSubmit={async (code) => {
          const joined = await client.request('joinRoom', { code });
          onSelect(joined.roomId);
        }}
      />
      <PublicRooms client={client} rooms={rooms} onSelect={onSelect} />
    </section>
  );
}
