import { useState } from 'preact/hooks';
import type { ShareTarget } from '../../lib/messaging/protocol';
import { t } from '../../lib/i18n';
import type { ConversationId } from '../../../shared/ids';

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
      <legend>{t('sendTo')}</legend>
      <label class="share-search">
        <span>{t('searchContactsRooms')}</span>
        <input type="search" value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
      </label>
      {targets.length === 0 ? (
        <p class="empty">{t('nobodyToSendTo')}</p>
      ) : shown.length === 0 ? (
        <p class="empty" role="status">
          {t('noTargetLike', [query.trim()])}
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
                {target.kind === 'room' && <span class="share-kind">{t('roomKind')}</span>}
              </label>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
