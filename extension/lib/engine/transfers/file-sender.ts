/**
 * The sending side of one file to one receiver: when the receiver pulls (from chunk N, on a stream it named), the
 * chunks are read from the File in slices, sealed and written to the channel, never more than
 * FILE_BUFFER_HIGH_BYTES queued (Chrome closes a channel past 16 MiB) and never the whole file in memory.
 */
import { FILE_BUFFER_HIGH_BYTES, FILE_BUFFER_LOW_BYTES } from '../../../../shared/limits';
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

export function sendFile({ file, key, from, channel, onProgress }: SendOptions): SendRun {
  let stopped = false;
  const count = chunkCount(file.size);
  const prepare = async (index: number): Promise<ArrayBuffer> => {
    const { start, end } = chunkRange(file.size, index);
    const plaintext = new Uint8Array(await file.slice(start, end).arrayBuffer());
    return sealChunk(key, index, count, plaintext);
  };

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
      if (stopped || channel.readyState !== 'open') throw new ChannelClosed();
      if (channel.bufferedAmount > FILE_BUFFER_HIGH_BYTES) await drained(channel);
      channel.send(frame);
      onProgress(chunkRange(file.size, index).end);
    }
  }

  return {
    finished: run(),
    stop() {
      stopped = true;
      channel.close();
    },
  };
}
