import { describe, expect, it } from 'vitest';
import { openChunkWriter } from '../../../extension/lib/files/chunk-writer';
import { FileChunkError, sealChunk } from '../../../extension/lib/files/file-chunks';
import { CHUNK, createMemoryFiles, sealedFile } from './memory-files';

const SIZE = 2 * CHUNK + 1000; // three chunks, the last one short

describe('openChunkWriter', () => {
  it('writes a file chunk by chunk and finishes with the right hash', async () => {
    const { bytes, sha256, key, frames } = await sealedFile(SIZE);
    const memory = createMemoryFiles();
    const writer = await openChunkWriter(await memory.open('a'), { size: SIZE, sha256, key });
    expect(writer.next).toBe(0);
    // Called again before the last call settles: processed in call order.
    await Promise.all(frames.map((sealed) => writer.write(sealed)));
    expect(writer.next).toBe(3);
    await writer.finish();
    expect(memory.files.get('a')).toEqual(bytes);
  });

  it('refuses a chunk out of its place, and every call after a failure', async () => {
    const { sha256, key, frame } = await sealedFile(SIZE);
    const writer = await openChunkWriter(await createMemoryFiles().open('a'), { size: SIZE, sha256, key });
    await writer.write(frame(0));
    await expect(writer.write(frame(2))).rejects.toThrow(/chunk 2 came where chunk 1 was due/);
    await expect(writer.write(frame(1))).rejects.toBeInstanceOf(FileChunkError);
    expect(writer.next).toBe(1);
  });

  it('refuses a file whose bytes do not hash to the offer', async () => {
    const { key, frames } = await sealedFile(SIZE);
    const writer = await openChunkWriter(await createMemoryFiles().open('a'), {
      size: SIZE,
      sha256: new Uint8Array(32).fill(7),
      key,
    });
    for (const sealed of frames) await writer.write(sealed);
    await expect(writer.finish()).rejects.toThrow(/does not match/);
  });

  it('refuses to finish a file cut short', async () => {
    const { sha256, key, frame } = await sealedFile(SIZE);
    const writer = await openChunkWriter(await createMemoryFiles().open('a'), { size: SIZE, sha256, key });
    await writer.write(frame(0));
    await expect(writer.finish()).rejects.toThrow(/after 1 of 3 chunks/);
  });

  it('resumes after the whole chunks stored, cutting a partial one off', async () => {
    const { bytes, sha256, key, frame } = await sealedFile(SIZE);
    const memory = createMemoryFiles();
    const first = await memory.open('a');
    const writer = await openChunkWriter(first, { size: SIZE, sha256, key });
    await writer.write(frame(0));
    await writer.write(frame(1));
    first.write(new Uint8Array(10), 2 * CHUNK); // a write torn by a crash
    first.close();
    const again = await openChunkWriter(await memory.open('a'), { size: SIZE, sha256, key });
    expect(again.next).toBe(2);
    expect(memory.files.get('a')?.length).toBe(2 * CHUNK);
    await again.write(frame(2));
    await again.finish();
    expect(memory.files.get('a')).toEqual(bytes);
  });

  it('starts over when the storage holds more than the file', async () => {
    const { sha256, key } = await sealedFile(SIZE);
    const memory = createMemoryFiles();
    memory.files.set('a', new Uint8Array(SIZE + 1));
    const writer = await openChunkWriter(await memory.open('a'), { size: SIZE, sha256, key });
    expect(writer.next).toBe(0);
    expect(memory.files.get('a')?.length).toBe(0);
  });

  it('counts a complete file as all its chunks, and refuses a chunk after the last', async () => {
    const { sha256, key, frames, cryptoKey } = await sealedFile(SIZE);
    const memory = createMemoryFiles();
    const first = await memory.open('a');
    const writer = await openChunkWriter(first, { size: SIZE, sha256, key });
    for (const sealed of frames) await writer.write(sealed);
    first.close();
    const again = await openChunkWriter(await memory.open('a'), { size: SIZE, sha256, key });
    expect(again.next).toBe(3);
    await expect(again.write(await sealChunk(cryptoKey, 3, 4, new Uint8Array(1)))).rejects.toThrow(
      /after the last/,
    );
  });

  it('writes the empty file as one empty chunk', async () => {
    const { sha256, key, frames, frame } = await sealedFile(0);
    expect(frames).toHaveLength(1);
    const memory = createMemoryFiles();
    const writer = await openChunkWriter(await memory.open('a'), { size: 0, sha256, key });
    await writer.write(frame(0));
    await writer.finish();
    expect(memory.files.get('a')?.length).toBe(0);
  });
});
