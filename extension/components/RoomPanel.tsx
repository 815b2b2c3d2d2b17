import { useState } from 'preact/hooks';
import { MAX_NAME_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { RoomTimelineLine, RoomView } from '../lib/messaging/protocol';
import { FormError } from './FormError';
import { InlineForm } from './InlineForm';
import { t } from '../lib/i18n';

/** Lines of the membership timeline shown at once; the rest are one click away. */
const RECENT_LINES = 4;

const lineItem = (line: RoomTimelineLine, index: number) => (
  <li key={index} class="system-line">
    {line.text} <time dateTime={new Date(line.at).toISOString()}>{new Date(line.at).toLocaleString()}</time>
  </li>
);

/**
 * What the room's signed membership log says happened (joins, leaves, invitations, in order), and what the server
 * claimed that the log does not prove.
 */
function RoomTimeline({ room }: { readonly room: RoomView }) {
  const older = room.timeline.slice(0, -RECENT_LINES);
  return (
    <>
      {room.warnings.map((warning) => (
        <p key={warning} class="error" role="alert" data-testid="room-warning">
          {warning}
        </p>
      ))}
      {older.length > 0 && (
        <details class="room-history">
          <summary>{t('earlierChanges', [String(older.length)])}</summary>
          <ol>{older.map(lineItem)}</ol>
        </details>
      )}
      <ol class="room-timeline" aria-label={t('membershipChanges')} data-testid="room-timeline">
        {room.timeline.slice(-RECENT_LINES).map(lineItem)}
      </ol>
    </>
  );
}

/** A room's members and who is online, how to invite more (by name, or with the code), and leaving. */
export function RoomPanel({ client, room }: { readonly client: EngineClient; readonly room: RoomView }) {
  const join = useAction();
  const leave = useAction();
  const makeCode = useAction();
  const copy = useAction(t('notCopied'));
  const listing = useAction(t(room.listed ? 'notUnlisted' : 'notListed'));
  // While the engine lists (or unlists) the room, the box shows what was asked; then what the room says.
  const [asked, setAsked] = useState(false);
  // Declining an invitation and leaving a room are the same request.
  const leaveRoom = (): void =>
    void leave.run(() => client.request('leaveRoom', { roomId: room.roomId }).then(() => undefined));
  if (!room.joined) {
    return (
      <div class="room-panel" role="region" aria-label={t('invitation')}>
        <p>{t('invitedToRoom', [room.members.map((member) => member.name).join(', ')])}</p>
        <RoomTimeline room={room} />
        <button
          type="button"
          onClick={() =>
            void join.run(() => client.request('joinRoom', { roomId: room.roomId }).then(() => undefined))
          }
        >
          {t('joinRoom')}
        </button>{' '}
        <button type="button" onClick={leaveRoom}>
          {t('decline')}
        </button>
        <FormError error={join.error ?? leave.error} />
      </div>
    );
  }
  return (
    <div class="room-panel" role="region" aria-label={t('roomMembers')}>
      <ul class="members" data-testid="room-members">
        {room.members.map((member) => (
          <li key={member.userId} class={member.online ? 'member' : 'member offline'}>
            {member.name}
            <span class="visually-hidden">{` ${t(member.online ? 'memberOnline' : 'memberOffline')}`}</span>
          </li>
        ))}
        {room.invited.map((member) => (
          <li key={member.userId} class="member invited">
            {t('memberInvited', [member.name])}
          </li>
        ))}
      </ul>
      <RoomTimeline room={room} />
      <details class="room-options">
        <summary>{t('roomOptions')}</summary>
        <InlineForm
          id="invite-name"
          label={t('inviteByName')}
          placeholder={t('inviteByName')}
          maxLength={MAX_NAME_LENGTH}
          submitLabel={t('invite')}
          onSubmit={async (name) => {
            await client.request('inviteToRoom', { roomId: room.roomId, name });
          }}
        />
        {room.inviteCode ? (
          <p class="hint">
            {t('orShareCode')}{' '}
            <code data-testid="invite-code" class="invite-code">
              {room.inviteCode}
            </code>{' '}
            <button
              type="button"
              onClick={() => void copy.run(() => navigator.clipboard.writeText(room.inviteCode ?? ''))}
            >
              {t('copy')}
            </button>
          </p>
        ) : (
          <p class="hint">
            {t('or')}{' '}
            <button
              type="button"
              disabled={makeCode.busy}
              onClick={() =>
                void makeCode.run(() =>
                  client.request('makeInviteCode', { roomId: room.roomId }).then(() => undefined),
                )
              }
            >
              {t('makeInviteCode')}
            </button>{' '}
            {t('toShareCode')}
          </p>
        )}
        <FormError error={copy.error ?? makeCode.error} />
        <p class="hint">
          <label>
            <input
              type="checkbox"
              checked={listing.busy ? asked : room.listed === true}
              disabled={listing.busy}
              onChange={(event) => {
                const listed = event.currentTarget.checked;
                setAsked(listed);
                void listing.run(() =>
                  client.request('listRoom', { roomId: room.roomId, listed }).then(() => undefined),
                );
              }}
            />{' '}
            {t('listRoomPublicly')}
          </label>
          <br />
          {t('listRoomHint')}
        </p>
        <FormError error={listing.error} />
        <button type="button" onClick={leaveRoom}>
          {t('leaveRoom')}
        </button>
      </details>
      <FormError error={leave.error} />
    </div>
  );
}
