import { useState } from 'preact/hooks';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { ConversationId, RoomView } from '../lib/messaging/protocol';
import { FormError } from './FormError';

interface Props {
  readonly client: EngineClient;
  readonly rooms: readonly RoomView[];
  readonly unread: Readonly<Record<ConversationId, number>>;
  readonly selected: ConversationId | undefined;
  readonly onSelect: (roomId: ConversationId) => void;
}

/** The rooms one is in or invited to, and the two ways into a new one: create it, or join with a code. */
export function RoomList({ client, rooms, unread, selected, onSelect }: Props) {
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const create = useAction();
  const join = useAction();
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
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void create.run(async () => {
            const state = await client.request('createRoom', { name });
            setName('');
            const made = state.rooms.find((room) => room.name === name.trim() && room.joined);
            if (made) onSelect(made.roomId);
          });
        }}
      >
        <label class="visually-hidden" for="new-room">
          New room name
        </label>
        <input
          id="new-room"
          value={name}
          maxLength={32}
          placeholder="New room name"
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <button type="submit" disabled={create.busy || !name.trim()}>
          Create
        </button>
      </form>
      <FormError error={create.error} />
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void join.run(async () => {
            const trimmed = code.trim();
            const state = await client.request('joinRoom', { code: trimmed });
            setCode('');
            const joined = state.rooms.find((room) => trimmed.includes(room.roomId));
            if (joined) onSelect(joined.roomId);
          });
        }}
      >
        <label class="visually-hidden" for="invite-code">
          Invite code
        </label>
        <input
          id="invite-code"
          value={code}
          placeholder="Invite code (room:…)"
          onInput={(event) => setCode(event.currentTarget.value)}
        />
        <button type="submit" disabled={join.busy || !code.trim()}>
          Join
        </button>
      </form>
      <FormError error={join.error} />
    </nav>
  );
}
