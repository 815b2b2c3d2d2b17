/**
 * Desktop notifications for file transfers: a file offered that waits for a decision, a file received and saved,
 * a transfer that failed. The engine host watches its own `transfer` events; on Chrome the offscreen document has
 * no notifications API and asks the background's worker (a validated runtime message, only from that document),
 * on Firefox the background page shows them itself (notice-display.ts). Plain text only: notifications render no
 * markup. Worded where the engine runs: in the browser's language on Firefox, in English on Chrome (its offscreen
 * document has no i18n API; wording them in the worker, as message-notices.ts does, would carry the transfer instead).
 */
import * as v from 'valibot';
import { MAX_FILE_NAME_LENGTH, MAX_NAME_LENGTH } from '../../../shared/limits';
import type { EngineListener } from '../engine/view';
import type { EngineState, TransferView } from '../messaging/protocol';
import type { TransferState } from '../model';
import { t } from '../i18n';

export const NoticeSchema = v.strictObject({
  type: v.literal('transfer-notice:show'),
  id: v.pipe(v.string(), v.maxLength(128)),
  title: v.pipe(v.string(), v.maxLength(2 * MAX_NAME_LENGTH + 64)),
  message: v.pipe(v.string(), v.maxLength(MAX_FILE_NAME_LENGTH + 256)),
});
export type Notice = Omit<v.InferOutput<typeof NoticeSchema>, 'type'>;

const megabytes = (bytes: number): string =>
  bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The notice a transfer's new state calls for, if any: only what needs the user, or tells them it is over. */
export function noticeOf(
  transfer: TransferView,
  previous: TransferState | undefined,
  from: string,
): Notice | undefined {
  if (transfer.state === previous) return undefined;
  const { name, size } = transfer.file;
  const id = `transfer:${transfer.messageId}:${transfer.peer}`;
  if (transfer.direction === 'in' && transfer.state === 'offered' && previous === undefined)
    return {
      id,
      title: t('noticeFileOffered', [from]),
      message: t('noticeFileOfferedBody', [name, megabytes(size)]),
    };
  if (transfer.direction === 'in' && transfer.state === 'done')
    return {
      id,
      title: t('noticeFileReceived'),
      message: t('noticeFileReceivedBody', [name, from, transfer.savedAs ?? name]),
    };
  if (transfer.state === 'failed')
    return {
      id,
      title: t('noticeFileFailed'),
      message: t('withReason', [name, transfer.error ?? t('noticeFileNotCompleted')]),
    };
  if (transfer.direction === 'out' && transfer.state === 'done')
    return { id, title: t('noticeFileDelivered'), message: t('noticeFileDeliveredBody', [from, name]) };
  return undefined;
}

/** What the watcher needs of the engine. */
export interface NoticeSource {
  subscribe(listener: EngineListener): () => void;
}

/** Shows a notice for each transfer event that calls for one; returns the unsubscribe. */
export function watchTransferNotices(engine: NoticeSource, show: (notice: Notice) => void): () => void {
  const states = new Map<string, TransferState>();
  let names = new Map<string, string>();
  return engine.subscribe((name, data) => {
    if (name === 'state') {
      const state = data as EngineState;
      names = new Map(state.contacts.map((contact) => [contact.userId, contact.alias ?? contact.name]));
      return;
    }
    if (name !== 'transfer') return;
    const transfer = data as TransferView;
    const key = `${transfer.messageId}:${transfer.peer}`;
    const notice = noticeOf(transfer, states.get(key), names.get(transfer.peer) ?? t('aContact'));
    states.set(key, transfer.state);
    if (notice) show(notice);
  });
}
