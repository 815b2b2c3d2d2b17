/**
 * Desktop notifications for file transfers: a file offered that waits for a decision, a file received and saved,
 * a transfer that failed. The engine host watches its own `transfer` events; on Chrome the offscreen document has
 * no notifications API and asks the background's worker (a validated runtime message, only from that document),
 * on Firefox the background page shows them itself (notice-display.ts). Plain text only: notifications render no
 * markup. Said as keys and substitutions (notice-words.ts): worded where shown, in the browser's language.
 */
import * as v from 'valibot';
import type { EngineListener } from '../engine/view';
import type { EngineState, TransferView } from '../messaging/protocol';
import type { TransferState } from '../model';
import { words, WordsSchema, type Words } from './notice-words';

export const NoticeSchema = v.strictObject({
  type: v.literal('transfer-notice:show'),
  id: v.pipe(v.string(), v.maxLength(128)),
  title: WordsSchema,
  message: WordsSchema,
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
  from: Words['words'][number],
): Notice | undefined {
  if (transfer.state === previous) return undefined;
  const { name, size } = transfer.file;
  const id = `transfer:${transfer.messageId}:${transfer.peer}`;
  if (transfer.direction === 'in' && transfer.state === 'offered' && previous === undefined)
    return {
      id,
      title: words('noticeFileOffered', [from]),
      message: words('noticeFileOfferedBody', [name, megabytes(size)]),
    };
  if (transfer.direction === 'in' && transfer.state === 'done')
    return {
      id,
      title: words('noticeFileReceived'),
      message: words('noticeFileReceivedBody', [name, from, transfer.savedAs ?? name]),
    };
  if (transfer.state === 'failed')
    return {
      id,
      title: words('noticeFileFailed'),
      message: words('withReason', [name, transfer.error ?? { key: 'noticeFileNotCompleted' }]),
    };
  if (transfer.direction === 'out' && transfer.state === 'done')
    return {
      id,
      title: words('noticeFileDelivered'),
      message: words('noticeFileDeliveredBody', [from, name]),
    };
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
    const notice = noticeOf(transfer, states.get(key), names.get(transfer.peer) ?? { key: 'aContact' });
    states.set(key, transfer.state);
    if (notice) show(notice);
  });
}
