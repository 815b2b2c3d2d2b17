import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { FileChunkError } from '../../../extension/lib/files/file-chunks';
import {
  createReceivedFiles,
  type IncomingFile,
  type SinkWorker,
} from '../../../extension/lib/files/received-files';
import { serveFileSink, type SinkPort } from '../../../extension/lib/files/sink-server';
import { CHUNK, createMemoryFiles, sealedFile } from './memory-files';

const SIZE = 3 * CHUNK + 5; // four chunks

/** ReceivedFiles whose "workers" serve over a MessageChannel in this thread, with files in memory. */
function setUp() {
  const memory = createMemoryFiles();
  let started = 0;
  const files = createReceivedFiles({
    startSink() {
      started += 1;
      const { port1, port2 } = new MessageChannel();
      // Node's ports are EventTargets whose events carry `data`, like the DOM's.
      serveFileSink(port2 as unknown as SinkPort, memory.open);
      return Object.assign(port1 as unknown as SinkWorker, {
        terminate: () => {
          port1.close();
          port2.close();
        },
      });
    },
    removeStored: async (id) => void memory.files.delete(id),
  });
  return { memory, files, started: () => started };
}

async function incoming(size = SIZE, id = 'file-1') {
  const sealed = await sealedFile(size);
  const file: IncomingFile = { id, size, sha256: sealed.sha256, key: sealed.key };
  return { ...sealed, file };
}

describe('received files', () => {
  it('writes a file and finishes with it, read from storage', async () => {
    const { files, memory } = setUp();
    const { file, frames, frame, bytes } = await incoming();
    const sink = await files.open(file);
    expect(sink.next).toBe(0);
    await Promise.all(frames.map((_, index) => sink.write(frame(index)))); // pipelined, processed in call order
    expect(sink.next).toBe(4);
    const saved = await sink.finish();
    expect(new Uint8Array(await saved.arrayBuffer())).toEqual(bytes);
    expect(memory.opened.size).toBe(0); // the handle is released
    await expect(sink.write(frame(0))).rejects.toThrow(/closed/);
  });

  it('refuses a tampered chunk, and everything after it', async () => {
    const { files } = setUp();
    const { file, frame } = await incoming();
    const sink = await files.open(file);
    const tampered = new Uint8Array(frame(1));
    tampered[10] = (tampered[10] ?? 0) ^ 1;
    const results = await Promise.allSettled([
      sink.write(frame(0)),
      sink.write(tampered.buffer),
      sink.write(frame(2)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    const refusal = (results[1] as PromiseRejectedResult).reason as Error;
    expect(refusal).toBeInstanceOf(FileChunkError);
    expect(refusal.message).toMatch(/does not open/);
    expect(sink.next).toBe(1);
  });

  it('refuses a chunk out of order', async () => {
    const { files } = setUp();
    const { file, frame } = await incoming();
    const sink = await files.open(file);
    await expect(sink.write(frame(1))).rejects.toThrow(FileChunkError);
    expect(sink.next).toBe(0);
  });

  it('refuses a file whose whole hash is wrong, and deletes it', async () => {
    const { files, memory } = setUp();
    const { file, frames } = await incoming();
    const sink = await files.open({ ...file, sha256: new Uint8Array(32) });
    for (const sealed of frames) await sink.write(sealed);
    await expect(sink.finish()).rejects.toThrow(/does not match/);
    await expect(sink.finish()).rejects.toThrow(); // the sink is gone
    expect(memory.files.has(file.id)).toBe(false);
    expect(memory.opened.size).toBe(0);
  });

  it('resumes a closed file at its next chunk and finishes with the right hash', async () => {
    const { files, memory } = setUp();
    const { file, frame, bytes } = await incoming();
    const first = await files.open(file);
    await first.write(frame(0));
    await first.write(frame(1));
    await first.close();
    expect(memory.files.get(file.id)?.length).toBe(2 * CHUNK);
    const again = await files.open(file);
    expect(again.next).toBe(2);
    await again.write(frame(2));
    await again.write(frame(3));
    const saved = await again.finish();
    expect(new Uint8Array(await saved.arrayBuffer())).toEqual(bytes);
  });

  it('receives the empty file as one empty chunk', async () => {
    const { files } = setUp();
    const { file, frame } = await incoming(0);
    const sink = await files.open(file);
    await sink.write(frame(0));
    expect((await sink.finish()).size).toBe(0);
  });

  it('discards what was written, with chunks still on their way', async () => {
    const { files, memory } = setUp();
    const { file, frames, frame } = await incoming();
    const sink = await files.open(file);
    await sink.write(frame(0));
    const queued = frames.slice(1).map((_, index) => sink.write(frame(index + 1)).catch(() => 'refused'));
    await sink.discard();
    await Promise.all(queued);
    expect(memory.files.has(file.id)).toBe(false);
    expect(memory.opened.size).toBe(0);
    await expect(sink.write(frame(1))).rejects.toThrow(/closed/);
  });

  it('opens an id once at a time, and remove discards an open file or deletes a stored one', async () => {
    const { files, memory, started } = setUp();
    const { file, frame } = await incoming();
    const opening = files.open(file);
    await expect(files.open(file)).rejects.toThrow(/already open/); // even while the first is starting
    const sink = await opening;
    await expect(files.open(file)).rejects.toThrow(/already open/);
    expect(started()).toBe(1);
    await sink.write(frame(0));
    await files.remove(file.id);
    expect(memory.files.has(file.id)).toBe(false);
    await expect(sink.write(frame(1))).rejects.toThrow();

    const other = await files.open({ ...file, id: 'file-2' });
    await other.close();
    expect(memory.files.has('file-2')).toBe(true);
    await files.remove('file-2');
    expect(memory.files.has('file-2')).toBe(false);
  });

  it('refuses an id that is not a plain storage name', async () => {
    const { files } = setUp();
    const { file } = await incoming();
    for (const id of ['../x', 'A', '', 'a/b', 'x'.repeat(129)])
      await expect(files.open({ ...file, id })).rejects.toThrow(/file id/);
    await expect(files.remove('..')).rejects.toThrow(/file id/);
  });
});
