import type { UserId } from '../../shared/ids';
import type { Contact } from '../lib/messaging/protocol';
import type { ConversationId, LinkStatus } from '../lib/model';

interface Props {
  readonly contacts: readonly Contact[];
  readonly links: Readonly<Record<UserId, LinkStatus>>;
  readonly keyChanged: readonly UserId[];
  readonly unread: Readonly<Record<ConversationId, number>>;
  readonly selected: ConversationId | undefined;
  readonly onSelect: (userId: ConversationId) => void;
}

export function ContactList({ contacts, links, keyChanged, unread, selected, onSelect }: Props) {
  return (
    <nav class="contacts" aria-labelledby="contacts-title">
      <h2 id="contacts-title">Contacts ({contacts.filter((contact) => contact.online).length} online)</h2>
      {contacts.length === 0 ? (
        <p class="empty">Nobody else has been online yet.</p>
      ) : (
        <ul>
          {contacts.map((user) => (
            <li key={user.userId}>
              <button
                type="button"
                class={user.online ? 'contact' : 'contact offline'}
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
                {!user.online && <span class="presence">offline</span>}
                {keyChanged.includes(user.userId) && <span class="key-badge">⚠ key changed</span>}
                {/* A vanished peer's channel lingers until the heartbeat closes it: don't claim it. */}
                {user.online && links[user.userId] === 'open' && (
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
