import { useMessageTransfers, useFileContext, type FileContext } from '../hooks/useTransfers';
import type { TransferView } from '../lib/messaging/protocol';
import type { ChatMessage, FileInfo } from '../lib/model';
import { fileKind, formatBytes, shownFileName } from './file-format';
import { FileIcon } from './FileIcon';
import { TransferLine } from './TransferLine';
import { TransferProgress } from './TransferProgress';
import { actionsFor, roomProgress, roomSummary } from './transfer-text';
import { useAction } from '../hooks/useAction';
import { FormError } from './FormError';
import { t } from '../lib/i18n';

interface Props {
  readonly message: ChatMessage;
  readonly file: FileInfo;
}

/**
 * A file offered in a message: its kind, name and size, and its transfer (or, sent to a room, its members'
 * transfers). Reads the transfers itself, so their progress re-renders this card and not the conversation.
 */
export function FileCard({ message, file }: Props) {
  const context = useFileContext();
  const byPeer = useMessageTransfers(context?.store, message.id);
  const views = byPeer ? [...byPeer.values()] : [];
  const name = shownFileName(file.name);
  // Sent to a room: a transfer per member, none of them with the conversation itself.
  const toRoom = message.direction === 'out' && views.some((view) => view.peer !== message.peerId);
  const thumbnail = views.map((view) => view.thumbnail).find(isThumbnail);
  return (
    <div class="file-card" data-testid="file-card">
      <FileIcon kind={fileKind(file)} />
      <div class="file-body">
        {thumbnail && <img class="file-thumbnail" src={thumbnail} alt={t('picture', [name])} />}
        <span class="file-name" title={name} data-testid="file-name">
          {name}
        </span>
        <span class="file-size" data-testid="file-size">
          {formatBytes(file.size)}
        </span>
        {context &&
          (toRoom ? (
            <RoomTransfers views={views} context={context} fileName={name} />
          ) : (
            views[0] && <TransferLine view={views[0]} client={context.client} />
          ))}
      </div>
    </div>
  );
}

/** Only what the engine draws is shown: a WebP or JPEG data: URL (never a received file, never SVG). */
const isThumbnail = (url: string | undefined): url is string =>
  url !== undefined && /^data:image\/(webp|jpeg);base64,[A-Za-z0-9+/=]+$/.test(url);

/** A file sent to a room: one line for all, a Cancel for all, and each member's transfer a click away. */
function RoomTransfers({
  views,
  context,
  fileName,
}: {
  readonly views: readonly TransferView[];
  readonly context: FileContext;
  readonly fileName: string;
}) {
  const cancelling = useAction(t('notCancelled'));
  const progress = roomProgress(views);
  const first = views[0];
  const cancellable = views.some((view) => actionsFor(view).includes('cancel'));
  // No peer: the engine stops the transfer to every member still receiving it.
  const cancelAll = (): void => {
    if (!first) return;
    void cancelling.run(async () => {
      await context.client.request('cancelFile', {
        conversation: first.conversation,
        messageId: first.messageId,
      });
    });
  };
  return (
    <div class="room-transfers" data-testid="room-transfers">
      {progress && <TransferProgress progress={progress} label={t('sendingToRoom', [fileName])} />}
      <span class="transfer-status" data-testid="room-summary">
        {roomSummary(views)}
      </span>
      {cancellable && (
        <button
          type="button"
          class="small danger"
          disabled={cancelling.busy}
          aria-label={t('cancelForEveryone', [fileName])}
          onClick={cancelAll}
        >
          {t('cancelAll')}
        </button>
      )}
      <FormError error={cancelling.error} />
      <details class="transfer-members">
        <summary>{t('eachMember')}</summary>
        <ul>
          {views.map((view) => {
            const who = context.nameOf(view.peer);
            return (
              <li key={view.peer} data-testid="member-transfer">
                <span class="member-name">{who}</span>
                <TransferLine view={view} client={context.client} qualifier={t('forMember', [who])} />
              </li>
            );
          })}
        </ul>
      </details>
    </div>
  );
}
