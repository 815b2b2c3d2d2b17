/**
 * The receiving side of one file on one channel: each frame goes to the sink (which opens it, checks its place,
 * hashes and writes it) in arrival order, until the last chunk is written. Nothing is held but the frames the
 * sink has not yet taken, at most FILE_WINDOW_CHUNKS: the receiver confirms chunks written (a decimal count, as
 * text) and the sender sends no further ahead.
 */
import { FILE_ACK_EVERY, FILE_CHUNK_BYTES } from '../../../../shared/limits';
import { chunkCount } from '../../files/file-chunks';
import type { FileSink } from '../../files/received-files';
import { ChannelClosed, type FileChannel } from './file-channel';

/** A channel that brings nothing for this long is closed (the transfer pauses, and is pulled again), in ms. */
export const FILE_STALL_MS = 30_000;

export interface ReceiveRun {
  /** Resolves once the last chunk is written; rejects with ChannelClosed, or with the sink's error. */
  readonly finished: Promise<void>;
  stop(): void;
}

export interface ReceiveOptions {
  readonly sink: FileSink;
  readonly size: number;
  readonly channel: FileChannel;
  /** Chunks written so far (their bytes of the file). */
  readonly onProgress: (bytes: number) => void;
}

export function receiveFile({ sink, size, channel, onProgress }: ReceiveOptions): ReceiveRun {
  const count = chunkCount(size);
  let stall: ReturnType<typeof setTimeout> | undefined;
  let settle: { resolve(): void; reject(error: unknown): void } | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let failed = false;
  let written = sink.next;
  /** The last write handed to the sink: a close waits for what arrived before it. */
  let lastWrite: Promise<void> = Promise.resolve();

  const fail = (error: unknown): void => {
    if (failed) return;
    failed = true;
    cleanUp();
    settle?.reject(error);
  };
  const armStall = (): void => {
    if (stall) clearTimeout(stall);
    stall = setTimeout(() => channel.close(), FILE_STALL_MS);
  };
  function onMessage(event: Event): void {
    const { data } = event as MessageEvent<unknown>;
    if (failed) return;
    armStall();
    if (!(data instanceof ArrayBuffer))
      return fail(new Error('The sender sent something that is not a chunk'));
    lastWrite = sink.write(data).then(() => {
      written += 1;
      onProgress(Math.min(size, written * FILE_CHUNK_BYTES));
      // The sender's window moves on as chunks are written (file-sender.ts).
      if ((written % FILE_ACK_EVERY === 0 || written >= count) && channel.readyState === 'open')
        channel.send(String(written));
      if (written >= count) {
        cleanUp();
        channel.close();
        settle?.resolve();
      }
    }, fail);
  }
  function onClose(): void {
    // What arrived before the close is still written; then the transfer pauses where it stands.
    void lastWrite.then(() => {
      if (written < count) fail(new ChannelClosed());
    });
  }
  function cleanUp(): void {
    if (stall) clearTimeout(stall);
    channel.removeEventListener('message', onMessage);
    channel.removeEventListener('close', onClose);
  }
  channel.addEventListener('message', onMessage);
  channel.addEventListener('close', onClose);
  armStall();
  if (written >= count) {
    cleanUp();
    settle?.resolve();
  }
  return {
    finished,
    stop() {
      fail(new ChannelClosed());
      channel.close();
    },
  };
}
