import { useFileContext, useTransferSnapshot, type FileContext } from '../hooks/useTransfers';
import { transfersIn } from '../hooks/transfer-table';
import type { TransferView } from '../lib/messaging/protocol';
import { shownFileName } from './file-format';
import { FormError } from './FormError';
import { TransferLine } from './TransferLine';
import { IN_PROGRESS } from './transfer-text';
import { t } from '../lib/i18n';
import type { ConversationId } from '../../shared/ids';

/** "to Bob", "from Bob in # team": the other end, and the room when it is one. */
function counterpartOf(view: TransferView, nameOf: FileContext['nameOf']): string {
  const who = t(view.direction === 'out' ? 'transferTo' : 'transferFrom', [nameOf(view.peer)]);
  return view.conversation === view.peer ? who : t('transferWhereIn', [who, nameOf(view.conversation)]);
}

/** The header's button to the Transfers list, with how many transfers are under way. */
export function TransfersToggle({
  open,
  onToggle,
}: {
  readonly open: boolean;
  readonly onToggle: () => void;
}) {
  const snapshot = useTransferSnapshot(useFileContext()?.store);
  const count = snapshot ? transfersIn(snapshot.table, IN_PROGRESS).length : 0;
  return (
    <button
      type="button"
      class="transfers-toggle"
      aria-expanded={open}
      aria-controls="transfers-panel"
      onClick={onToggle}
      data-testid="transfers-toggle"
    >
      {t('transfers')}
      {count > 0 && (
        <span class="unread">
          {count}
          <span class="visually-hidden"> {t('underWay')}</span>
        </span>
      )}
    </button>
  );
}

/** The transfers under way (waiting for a connection, moving, paused), each with its progress and a Cancel. */
export function TransferList({
  onOpen,
}: {
  /** Shows the conversation a transfer belongs to. */
  readonly onOpen: (conversation: ConversationId) => void;
}) {
  const context = useFileContext();
  const snapshot = useTransferSnapshot(context?.store);
  if (!context || !snapshot) return null;
  const live = transfersIn(snapshot.table, IN_PROGRESS);
  return (
    <section id="transfers-panel" class="transfers-panel" aria-labelledby="transfers-title">
      <h2 id="transfers-title">{t('transfers')}</h2>
      {snapshot.error && (
        <div class="load-failed">
          <FormError error={snapshot.error} />
          <button type="button" onClick={() => context.store.load()}>
            {t('tryAgain')}
          </button>
        </div>
      )}
      {live.length === 0 ? (
        <p class="empty">{t('noTransfers')}</p>
      ) : (
        <ul>
          {live.map((view) => {
            const name = shownFileName(view.file.name);
            const where = counterpartOf(view, context.nameOf);
            return (
              <li key={`${view.messageId} ${view.peer}`} data-testid="transfer-row">
                <button
                  type="button"
                  class="transfer-file"
                  title={t('openTransferConversation', [name])}
                  onClick={() => onOpen(view.conversation)}
                >
                  <span class="file-name">{name}</span>
                  <span class="transfer-where">{where}</span>
                </button>
                <TransferLine view={view} client={context.client} qualifier={where} />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
