/**
 * Files moved over a channel of their own on the direct link: the receiver pulls from the first chunk it does not
 * have (file-pull frame), the sender serves from there.
 */
import { decodeBytes } from '../../../../shared/crypto/identity';
import { FILE_CHUNK_BYTES } from '../../../../shared/limits';
import { PEER_PROTOCOL_VERSION, type FilePullFrame } from '../../../../shared/protocol/peer';
import { FileChunkError, importFileKey } from '../../files/file-chunks';
import type { FileSink } from '../../files/received-files';
import type { TransferRecord } from '../../model';
import type { Profile } from '../profile';
import { ChannelClosed } from './file-channel';
import { receiveFile } from './file-receiver';
import { sendFile } from './file-sender';
import type { Run, TransferContext } from './transfer-context';
import { FINAL_STATES, transferKey, type TransferTable } from './transfer-table';

/** Pulls an accepted incoming file over a channel of its own, from the first chunk not yet written. */
export async function pull(
  context: TransferContext,
  opened: Profile,
  table: TransferTable,
  record: TransferRecord,
): Promise<void> {
  const { deps, runs } = context;
  const key = transferKey(record.messageId, record.peer);
  if (runs.has(key) || FINAL_STATES.has(record.state)) return;
  if (!deps.linkOpen(record.peer)) {
    deps.want(record.peer);
    return;
  }
  // Read after each wait: a cancel or a lock may stop the run meanwhile.
  const run = { stopped: false, active: undefined as Run | undefined };
  const stopped = (): boolean => run.stopped;
  const entry: Run = {
    stop() {
      run.stopped = true;
      run.active?.stop();
    },
  };
  runs.set(key, entry);
  const { offer } = record;
  let stream: number | undefined;
  let sink: FileSink | undefined;
  try {
    sink = await context.openSink(record);
    // What is already on disk counts at once (after a restart the table knew nothing of it).
    table.progress(record.messageId, record.peer, Math.min(offer.size, sink.next * FILE_CHUNK_BYTES));
    if (stopped()) throw new ChannelClosed();
    stream = context.takeStream(opened, record.peer);
    const channel = await deps.openChannel(record.peer, stream);
    const receiving = receiveFile({
      sink,
      size: offer.size,
      channel,
      onProgress: (bytes) => table.progress(record.messageId, record.peer, bytes),
    });
    run.active = receiving;
    if (stopped()) receiving.stop();
    await context.setState(table, record, 'active', { chunks: sink.next });
    await deps.sendPull(record.peer, {
      v: PEER_PROTOCOL_VERSION,
      kind: 'file-pull',
      id: record.messageId,
      from: sink.next,
      stream,
    });
    await receiving.finished;
    await context.finishReceived(opened, table, record, await sink.finish());
  } catch (error) {
    if (stopped()) return;
    if (error instanceof FileChunkError) {
      await sink?.discard();
      await context.setState(table, record, 'failed', { error: `The file was refused: ${error.message}` });
      await context.tell(opened, record, 'cancel');
    } else {
      await sink?.close();
      const reason = error instanceof ChannelClosed ? undefined : String(error);
      await context.setState(table, record, 'paused', reason ? { error: reason } : {});
    }
  } finally {
    if (runs.get(key) === entry) runs.delete(key);
    if (stream !== undefined) context.releaseStream(record.peer, stream);
  }
}

/** Serves a pull: the chunks from `frame.from` on, over the channel it named. */
export async function serve(
  context: TransferContext,
  opened: Profile,
  table: TransferTable,
  record: TransferRecord,
  frame: FilePullFrame,
): Promise<void> {
  const { deps, runs } = context;
  const key = transferKey(record.messageId, record.peer);
  const file = await context.sourceOf(opened, table, record);
  if (!file) return;
  context.stopRun(record); // a new pull replaces the one before (the receiver resumed)
  try {
    const channel = await deps.openChannel(record.peer, frame.stream);
    const run = sendFile({
      file,
      key: await importFileKey(decodeBytes(record.offer.key)),
      from: frame.from,
      channel,
      onProgress: (bytes) => table.progress(record.messageId, record.peer, bytes),
    });
    runs.set(key, run);
    await context.setState(table, record, 'active', { chunks: frame.from });
    await run.finished;
    // Every chunk is on its way; the receiver's `received` (once it checked the hash) says done.
  } catch (error) {
    if (runs.get(key) === undefined) return; // stopped (cancelled)
    const current = table.get(record.messageId, record.peer);
    if (current && !FINAL_STATES.has(current.state))
      await context.setState(
        table,
        current,
        'paused',
        error instanceof ChannelClosed ? {} : { error: String(error) },
      );
  }
}
