import { MAX_NAME_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { RoomView } from '../lib/messaging/protocol';
import { FormError } from './FormError';
import { InlineForm } from './InlineForm';

/** A room's members and who is online, how to invite more (by name, or with the code), and leaving. */
export function RoomPanel({ client, room }: { readonly client: EngineClient; readonly room: RoomView }) {
  const join = useAction();
  const leave = useAction();
  // Declining an invitation and leaving a room are the same request.
  const leaveRoom = (): void =>
    void leave.run(() => client.request('leaveRoom', { roomId: room.roomId }).then(() => undefined));
  if (!room.joined) {
    return (
      <div class="room-panel" role="region" aria-label="Invitation">
        <p>
          You are invited to this room. Its members: {room.members.map((member) => member.name).join(', ')}.
        </p>
        <button
          type="button"
          onClick={() =>
            void join.run(() => client.request('joinRoom', { roomId: room.roomId }).then(() => undefined))
          }
        >
          Join room
        </button>{' '}
        <button type="button" onClick={leaveRoom}>
          Decline
        </button>
        <FormError error={join.error ?? leave.error} />
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
      <details class="room-options">
        <summary>Invite people, or leave</summary>
        <InlineForm
          id="invite-name"
          label="Invite by name"
          placeholder="Invite by name"
          maxLength={MAX_NAME_LENGTH}
          submitLabel="Invite"
          onSubmit={async (name) => {
            await client.request('inviteToRoom', { roomId: room.roomId, name });
          }}
        />
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
        <button type="button" onClick={leaveRoom}>
          Leave room
        </button>
      </details>
      <FormError error={leave.error} />
    </div>
  );
}
