/**
 * Small files through the mailbox, when no direct link opens in time: the sender mails each sealed chunk in two
 * halves (a message holds less than a chunk), the receiver joins them and writes them to the same sink a pull
 * would, which checks them the same way.
 */
import { decodeBytes, encodeBytes } from '../../../../shared/crypto/identity';
import type { UserId } from '../../../../shared/ids';
import { MAX_RELAYED_FILE_BYTES } from '../../../../shared/limits';
import { CONTENT_VERSION, type FilePartContent } from '../../../../shared/protocol/content';
import { chunkCount, chunkRange, importFileKey } from '../../files/file-chunks';
import type { FileSink } from '../../files/received-files';
import type { TransferRecord } from '../../model';
import type { Profile } from '../profile';
import { chunkSealer } from './file-sender';
import type { TransferContext } from './transfer-context';
import { FINAL_STATES, transferKey, type TransferTable } from './transfer-table';

export interface RelayedFiles {
  /** Sends a small file's sealed chunks through the mailbox. */
  serve(opened: Profile, table: TransferTable, record: TransferRecord): Promise<void>;
  /** Takes half a relayed chunk; a whole chunk goes to the sink, and the last one finishes the file. */
  part(opened: Profile, table: TransferTable, from: UserId, content: FilePartContent): Promise<void>;
}

export function createRelayedFiles(context: TransferContext): RelayedFiles {
  /** Relayed files being received: their sink, and the first half of the chunk under way. */
  const relays = new Map<string, { sink: Promise<FileSink>; first?: { index: number; data: Uint8Array } }>();
  /** One part at a time per transfer: halves join in the order they came. */
  const partQueues = new Map<string, Promise<void>>();

  async function serve(opened: Profile, table: TransferTable, record: TransferRecord): Promise<void> {
    if (record.offer.size > MAX_RELAYED_FILE_BYTES) return;
    const file = await context.sourceOf(opened, table, record);
    if (!file) return;
    context.stopRun(record);
    const run = { stopped: false };
    context.runs.set(transferKey(record.messageId, record.peer), { stop: () => void (run.stopped = true) });
    await context.setState(table, record, 'active');
    try {
      const sealed = chunkSealer(file, await importFileKey(decodeBytes(record.offer.key)));
      for (let index = 0; index < chunkCount(file.size); index += 1) {
        const frame = new Uint8Array(await sealed(index));
        const middle = Math.ceil(frame.length / 2);
        for (const half of [0, 1] as const) {
          if (run.stopped) return;
          const data = encodeBytes(half === 0 ? frame.subarray(0, middle) : frame.subarray(middle));
          await opened.tell(record.peer, {
            v: CONTENT_VERSION,
            kind: 'file-part',
            id: record.messageId,
            index,
            half,
            data,
          });
        }
        table.progress(record.messageId, record.peer, chunkRange(file.size, index).end);
      }
    } catch (error) {
      if (!run.stopped) await context.setState(table, record, 'paused', { error: String(error) });
    }
  }

  async function takePart(
    opened: Profile,
    table: TransferTable,
    from: UserId,
    content: FilePartContent,
  ): Promise<void> {
    const record = table.get(content.id, from);
    if (record?.direction !== 'in' || FINAL_STATES.has(record.state) || record.state === 'offered') return;
    if (record.offer.size > MAX_RELAYED_FILE_BYTES) return;
    const key = transferKey(record.messageId, record.peer);
    let relay = relays.get(key);
    if (!relay) {
      relay = { sink: context.openSink(record) };
      relays.set(key, relay);
    }
    try {
      const sink = await relay.sink;
      if (content.index < sink.next) return; // a copy of a part already written
      if (content.half === 0) {
        relay.first = { index: content.index, data: decodeBytes(content.data) };
        return;
      }
      const first = relay.first;
      if (first?.index !== content.index) return; // its first half is missing: the sender sends it again
      const second = decodeBytes(content.data);
      const frame = new Uint8Array(first.data.length + second.length);
      frame.set(first.data);
      frame.set(second, first.data.length);
      delete relay.first;
      if (record.state !== 'active') await context.setState(table, record, 'active');
      await sink.write(frame.buffer);
      table.progress(record.messageId, record.peer, chunkRange(record.offer.size, sink.next - 1).end);
      if (sink.next < chunkCount(record.offer.size)) return;
      relays.delete(key);
      await context.finishReceived(opened, table, record, await sink.finish());
    } catch (error) {
      relays.delete(key);
      await (await relay.sink.catch(() => undefined))?.discard();
      await context.setState(table, record, 'failed', { error: `The file was refused: ${String(error)}` });
      await context.tell(opened, record, 'cancel');
    }
  }

  return {
    serve,
    part(opened, table, from, content) {
      const key = transferKey(content.id, from);
      const next = (partQueues.get(key) ?? Promise.resolve()).then(() =>
        takePart(opened, table, from, content),
      );
      partQueues.set(key, next);
      return next;
    },
  };
}
