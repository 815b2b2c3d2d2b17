import { useState } from 'preact/hooks';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { RoomView } from '../lib/messaging/protocol';
import { FormError } from './FormError';

/** A room's members and who is online, how to invite more (by name, or with the code), and leaving. */
export function RoomPanel({ client, room }: { readonly client: EngineClient; readonly room: RoomView }) {
  const [name, setName] = useState('');
  const invite = useAction();
  const leave = useAction();
  if (!room.joined) {
    return (
      <div class="room-panel" role="region" aria-label="Invitation">
        <p>
          You are invited to this room. Its members: {room.members.map((member) => member.name).join(', ')}.
        </p>
        <button
          type="button"
          onClick={() =>
            void invite.run(() => client.request('joinRoom', { roomId: room.roomId }).then(() => undefined))
          }
        >
          Join room
        </button>{' '}
        <button
          type="button"
          onClick={() =>
            void leave.run(() => client.request('leaveRoom', { roomId: room.roomId }).then(() => undefined))
          }
        >
          Decline
        </button>
        <FormError error={invite.error ?? leave.error} />
      </div>
    );
  }
  return (
    <div class="room-panel" role="region" aria-label="Room members">
      <ul class="members" data-testid="room-members">
        {room.members.map((member) => (
          <li key={member.userId} class={member.online ? 'member' : 'member offline'}>
            {member.name}
            <span class="visually-hidden">{member.online ? ' (online)' : ' (offline)'}</span>
          </li>
        ))}
        {room.invited.map((member) => (
          <li key={member.userId} class="member invited">
            {member.name} (invited)
          </li>
        ))}
      </ul>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void invite.run(async () => {
            await client.request('inviteToRoom', { roomId: room.roomId, name });
            setName('');
          });
        }}
      >
        <label class="visually-hidden" for="invite-name">
          Invite by name
        </label>
        <input
          id="invite-name"
          value={name}
          maxLength={32}
          placeholder="Invite by name"
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <button type="submit" disabled={invite.busy || !name.trim()}>
          Invite
        </button>
      </form>
      {room.inviteCode && (
        <p class="hint">
          Or share this invite code:{' '}
          <code data-testid="invite-code" class="invite-code">
            {room.inviteCode}
          </code>{' '}
          <button type="button" onClick={() => void navigator.clipboard.writeText(room.inviteCode ?? '')}>
            Copy
          </button>
        </p>
      )}
      <button
        type="button"
        onClick={() =>
          void leave.run(() => client.request('leaveRoom', { roomId: room.roomId }).then(() => undefined))
        }
      >
        Leave room
      </button>
      <FormError error={invite.error ?? leave.error} />
    </div>
  );
}
