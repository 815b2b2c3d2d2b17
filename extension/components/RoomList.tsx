import { MAX_NAME_LENGTH } from '../../shared/limits';
import type { EngineClient } from '../lib/messaging/client';
import type { RoomView } from '../lib/messaging/protocol';
import type { ConversationId } from '../lib/model';
import { InlineForm } from './InlineForm';
import { PublicRooms } from './PublicRooms';

interface Props {
  readonly client: EngineClient;
  readonly rooms: readonly RoomView[];
  readonly unread: Readonly<Record<ConversationId, number>>;
  readonly selected: ConversationId | undefined;
  readonly onSelect: (roomId: ConversationId) => void;
}

/** The rooms one is in or invited to, and the ways into a new one: create it, join with a code, or find a public one. */
export function RoomList({ client, rooms, unread, selected, onSelect }: Props) {
  return (
    <nav class="rooms" aria-labelledby="rooms-title">
      <h2 id="rooms-title">Rooms</h2>
      {rooms.length > 0 && (
        <ul>
          {rooms.map((room) => (
            <li key={room.roomId}>
              <button
                type="button"
                class="contact"
                data-testid="room"
                aria-current={room.roomId === selected ? 'true' : undefined}
                onClick={() => onSelect(room.roomId)}
              >
                # {room.name}
                {(unread[room.roomId] ?? 0) > 0 && (
                  <span class="unread" aria-label={`${unread[room.roomId] ?? 0} unread`}>
                    {unread[room.roomId]}
                  </span>
                )}
                {!room.joined && <span class="presence">invited</span>}
                {room.listed && <span class="presence">public</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
      <InlineForm
        id="new-room"
        label="New room name"
        placeholder="New room"
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
        placeholder="room:… code"
        submitLabel="Join"
        onSubmit={async (code) => {
          const joined = await client.request('joinRoom', { code });
          onSelect(joined.roomId);
        }}
      />
      <PublicRooms client={client} rooms={rooms} onSelect={onSelect} />
    </nav>
  );
}
