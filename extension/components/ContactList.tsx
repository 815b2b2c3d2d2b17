import type { UserId } from '../../shared/ids';
import type { User } from '../../shared/protocol/socket';
import type { LinkStatus } from '../lib/messaging/protocol';

interface Props {
  readonly online: readonly User[];
  readonly links: Readonly<Record<UserId, LinkStatus>>;
  readonly keyChanged: readonly UserId[];
  readonly unread: Readonly<Record<UserId, number>>;
  readonly selected: UserId | undefined;
  readonly onSelect: (userId: UserId) => void;
}

export function ContactList({ online, links, keyChanged, unread, selected, onSelect }: Props) {
  return (
    <nav class="contacts" aria-labelledby="contacts-title">
      <h2 id="contacts-title">Online ({online.length})</h2>
      {online.length === 0 ? (
        <p class="empty">Nobody else is online yet.</p>
      ) : (
        <ul>
          {online.map((user) => (
            <li key={user.userId}>
              <button
                type="button"
                class="contact"
                data-testid="contact"
                aria-current={user.userId === selected ? 'true' : undefined}
                onClick={() => onSelect(user.userId)}
              >
                {user.name}
                {(unread[user.userId] ?? 0) > 0 && (
                  <span class="unread" data-testid="unread" aria-label={`${unread[user.userId] ?? 0} unread`}>
                    {unread[user.userId]}
                  </span>
                )}
                {keyChanged.includes(user.userId) && <span class="key-badge">⚠ key changed</span>}
                {links[user.userId] === 'open' && (
                  <span class="link-badge" title="Direct peer-to-peer connection">
                    direct
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
