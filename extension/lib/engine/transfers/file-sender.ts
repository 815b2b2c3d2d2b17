/**
 * The sending side of one file to one receiver: when the receiver pulls (from chunk N, on a stream it named), the
 * chunks are read from the File in 1 MiB blocks, sealed and written to the channel, never more than
 * FILE_BUFFER_HIGH_BYTES queued (Chrome closes a channel past 16 MiB) and never the whole file in memory.
 */
import { FILE_BUFFER_HIGH_BYTES, FILE_BUFFER_LOW_BYTES, FILE_WINDOW_CHUNKS } from '../../../../shared/limits';
import { chunkCount, chunkRange, sealChunk } from '../../files/file-chunks';
import { ChannelClosed, drained, whenOpen, type FileChannel } from './file-channel';

/** Chunks read and sealed ahead of the one being written: reading and sealing overlap the channel's work. */
const READ_AHEAD = 4;

export interface SendRun {
  /** Resolves when every chunk was handed to the channel; rejects with ChannelClosed if it closed first. */
  readonly finished: Promise<void>;
  /** Stops sending and closes the channel. */
  stop(): void;
}

export interface SendOptions {
  readonly file: Blob;
  readonly key: CryptoKey;
  readonly from: number;
  readonly channel: FileChannel;
  /** Chunks handed to the channel so far (bytes of the file). */
  readonly onProgress: (bytes: number) => void;
}

/**
 * Bytes read from the file at a time, then cut into chunks in memory: one read per 64 KiB chunk cost the engine's
 * thread and the browser's IO thread more than sealing and sending did (bench/file-transfer.ts profile).
 */
export const FILE_READ_BYTES = 1024 * 1024;

/** Reads `file` in FILE_READ_BYTES blocks, each once, the next one ahead: chunk `index`'s bytes from its block. */
function blockReader(file: Blob): (index: number) => Promise<Uint8Array<ArrayBuffer>> {
  const blocks = new Map<number, Promise<ArrayBuffer>>();
  const block = (number: number): Promise<ArrayBuffer> => {
    let read = blocks.get(number);
    if (!read) {
      const start = number * FILE_READ_BYTES;
      read = file.slice(start, Math.min(file.size, start + FILE_READ_BYTES)).arrayBuffer();
      read.catch(() => undefined); // awaited when its chunk is due; a stop may leave it unawaited
      blocks.set(number, read);
    }
    return read;
  };
  return async (index) => {
    const { start, end } = chunkRange(file.size, index);
    const number = Math.floor(start / FILE_READ_BYTES);
    for (const old of blocks.keys()) if (old < number) blocks.delete(old);
    if ((number + 1) * FILE_READ_BYTES < file.size) void block(number + 1);
    const bytes = await block(number);
    const offset = number * FILE_READ_BYTES;
    return new Uint8Array(bytes.slice(start - offset, end - offset));
  };
}

/** The frames of `file`'s chunks, each read from its block and sealed, by index (the relay uses it too). */
export function chunkSealer(file: Blob, key: CryptoKey): (index: number) => Promise<ArrayBuffer> {
  const count = chunkCount(file.size);
  const read = blockReader(file);
  return async (index) => sealChunk(key, index, count, await read(index));
}

export function sendFile({ file, key, from, channel, onProgress }: SendOptions): SendRun {
  let stopped = false;
  const count = chunkCount(file.size);
  const prepare = chunkSealer(file, key);

  // The receiver's count of chunks written: the window ends FILE_WINDOW_CHUNKS past it.
  let confirmed = from;
  let windowMoved: (() => void) | undefined;
  const onConfirm = (event: Event): void => {
    const { data } = event as MessageEvent<unknown>;
    const count = typeof data === 'string' && /^\d{1,10}$/.test(data) ? Number(data) : NaN;
    if (!(count > confirmed)) return;
    confirmed = count;
    windowMoved?.();
  };
  const onClose = (): void => windowMoved?.();
  channel.addEventListener('message', onConfirm);
  channel.addEventListener('close', onClose);
  /** Resolves once chunk `index` is inside the receiver's window, or the channel closed. */
  const windowOpen = (index: number): Promise<void> =>
    index - confirmed < FILE_WINDOW_CHUNKS
      ? Promise.resolve()
      : new Promise((resolve) => {
          windowMoved = () => {
            const waiting = index - confirmed >= FILE_WINDOW_CHUNKS && channel.readyState === 'open';
            if (waiting && !stopped) return;
            windowMoved = undefined;
            resolve();
          };
        });

  async function run(): Promise<void> {
    await whenOpen(channel);
    channel.bufferedAmountLowThreshold = FILE_BUFFER_LOW_BYTES;
    const ahead: Promise<ArrayBuffer>[] = [];
    let next = from;
    for (let index = from; index < count; index += 1) {
      while (ahead.length < READ_AHEAD && next < count) {
        const prepared = prepare(next);
        prepared.catch(() => undefined); // awaited in turn below; a stop may leave it unawaited
        ahead.push(prepared);
        next += 1;
      }
      const frame = await (ahead.shift() as Promise<ArrayBuffer>);
      await windowOpen(index);
      if (stopped || channel.readyState !== 'open') throw new ChannelClosed();
      if (channel.bufferedAmount > FILE_BUFFER_HIGH_BYTES) await drained(channel);
      channel.send(frame);
      onProgress(chunkRange(file.size, index).end);
    }
  }

  const finished = run().finally(() => {
    channel.removeEventListener('message', onConfirm);
    channel.removeEventListener('close', onClose);
  });
  return {
    finished,
    stop() {
      stopped = true;
      channel.close();
    },
  };
}
