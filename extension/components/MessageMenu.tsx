import { useContext, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../lib/errors';
import type { ChatMessage } from '../lib/model';
import { Icon } from './Icon';
import { changeable, MessageActionsContext } from './message-actions';
import './message-actions.css';
import { t } from '../lib/i18n';

interface Props {
  readonly message: ChatMessage;
}

interface Item {
  readonly label: string;
  readonly testId: string;
  readonly run: () => void;
}

/**
 * A message's menu: reply, copy, edit (one's own), delete here, delete for everyone (one's own). Made of phrasing
 * elements only: it sits in a bubble that may be a paragraph. Escape closes it and gives the focus back.
 */
export function MessageMenu({ message }: Props) {
  const actions = useContext(MessageActionsContext);
  const [open, setOpen] = useState(false);
  const [copyError, setCopyError] = useState<string>();
  const toggle = useRef<HTMLButtonElement>(null);
  if (!actions || (message.deleted && !message.deleted.forEveryone && message.direction === 'in'))
    return null;

  const close = (): void => {
    setOpen(false);
    toggle.current?.focus();
  };
  const items: Item[] = [];
  if (!message.deleted) {
    items.push({ label: t('reply'), testId: 'message-reply', run: () => actions.reply(message) });
    items.push({
      label: t('copyText'),
      testId: 'message-copy',
      run: () => {
        navigator.clipboard.writeText(message.text).then(
          () => setCopyError(undefined),
          (caught: unknown) => setCopyError(t('withReason', [t('notCopied'), errorMessage(caught)])),
        );
      },
    });
  }
  if (changeable(message))
    items.push({ label: t('edit'), testId: 'message-edit', run: () => actions.edit(message) });
  if (!message.deleted)
    items.push({
      label: t('deleteForMe'),
      testId: 'message-delete-me',
      run: () => actions.remove(message, false),
    });
  if (changeable(message))
    items.push({
      label: t('deleteForEveryone'),
      testId: 'message-delete-everyone',
      run: () => actions.remove(message, true),
    });
  if (items.length === 0) return null;

  // Escape closes it and gives the focus back, from the toggle or an item.
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && open) {
      event.preventDefault(); // the menu, not the conversation, is what Escape leaves (App.tsx)
      close();
    }
  };
  // No element around them: the menu is placed by the message's meta line (message-actions.css).
  return (
    <>
      <button
        ref={toggle}
        type="button"
        class="message-menu-toggle"
        aria-label={t('messageActions')}
        title={t('messageActionsTitle')}
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="message-menu"
        onClick={() => setOpen(!open)}
        onKeyDown={onKeyDown}
      >
        <Icon name="more" size={16} />
      </button>
      {open && (
        <span class="message-menu" role="menu" aria-label={t('messageActions')} onKeyDown={onKeyDown}>
          {items.map((item) => (
            <button
              key={item.testId}
              type="button"
              role="menuitem"
              data-testid={item.testId}
              onClick={() => {
                setOpen(false);
                item.run();
              }}
            >
              {item.label}
            </button>
          ))}
        </span>
      )}
      {copyError && (
        <span class="visually-hidden" role="alert">
          {copyError}
        </span>
      )}
    </>
  );
}
