import { useState } from 'preact/hooks';
import type { ShareTarget } from '../../lib/messaging/protocol';
import type { ConversationId } from '../../lib/model';

interface Props {
  readonly targets: readonly ShareTarget[];
  readonly selected: ConversationId | undefined;
  readonly onSelect: (id: ConversationId) => void;
}

/**
 * Where a share goes: one radio button per contact and room (most recently active first), so arrow keys move
 * between them as in any radio group, with a search box above that narrows the list by name.
 */
export function TargetChooser({ targets, selected, onSelect }: Props) {
  const [query, setQuery] = useState('');
  const needle = query.trim().toLocaleLowerCase();
  // The chosen one stays listed, so a search never hides what Send would send to.
  const shown = targets.filter(
    (target) => !needle || target.id === selected || target.name.toLocaleLowerCase().includes(needle),
  );
  return (
    <fieldset class="share-targets">
      <legend>Send to</legend>
      <label class="share-search">
        <span>Search contacts and rooms</span>
        <input type="search" value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
      </label>
      {targets.length === 0 ? (
        <p class="empty">Nobody to send to yet: add a contact or join a room from the messenger first.</p>
      ) : shown.length === 0 ? (
        <p class="empty" role="status">
          No contact or room is named like “{query.trim()}”.
        </p>
      ) : (
        <ul>
          {shown.map((target) => (
            <li key={target.id}>
              <label class="share-target">
                <input
                  type="radio"
                  name="share-target"
                  value={target.id}
                  checked={target.id === selected}
                  onChange={() => onSelect(target.id)}
                />
                <span>{target.name}</span>
                {target.kind === 'room' && <span class="share-kind">room</span>}
              </label>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
