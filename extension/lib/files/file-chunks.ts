/**
 * A file's chunks on the wire: each is sealed with AES-256-GCM under the file's own key (fresh per file, sent in
 * the sealed offer), with the chunk's index and whether it is the last in the nonce. A chunk moved to another
 * place, a chunk from another file, an altered one, or a file cut short (its last chunk never comes, or a middle
 * one claims to be last) does not open. AES-GCM because browsers (and Node) run it natively: a file moves at the
 * speed of the channel, where tweetnacl's secretbox in JavaScript would not keep up.
 *
 * Frame: 4 bytes of chunk index (big-endian), then the ciphertext with its 16-byte tag.
 */
import { FILE_CHUNK_BYTES, FILE_KEY_LENGTH } from '../../../shared/limits';

const TAG_BYTES = 16;
const INDEX_BYTES = 4;
/** The largest frame a file channel carries. */
export const MAX_FILE_FRAME_BYTES = INDEX_BYTES + FILE_CHUNK_BYTES + TAG_BYTES;

export class FileChunkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileChunkError';
  }
}

/** How many chunks a file of `size` bytes has: an empty file still has one (empty) chunk, marked last. */
export const chunkCount = (size: number): number => Math.max(1, Math.ceil(size / FILE_CHUNK_BYTES));

/** Bytes of the file chunk `index` covers. */
export function chunkRange(size: number, index: number): { readonly start: number; readonly end: number } {
  const start = index * FILE_CHUNK_BYTES;
  return { start, end: Math.min(size, start + FILE_CHUNK_BYTES) };
}

export function newFileKey(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(FILE_KEY_LENGTH));
}

export function importFileKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== FILE_KEY_LENGTH) throw new FileChunkError(`a file key has ${FILE_KEY_LENGTH} bytes`);
  return crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

function nonceOf(index: number, last: boolean): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(12);
  const view = new DataView(nonce.buffer);
  view.setUint32(0, index);
  nonce[4] = last ? 1 : 0;
  return nonce;
}

/** Seals chunk `index` of a file of `count` chunks into its frame. */
export async function sealChunk(
  key: CryptoKey,
  index: number,
  count: number,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<ArrayBuffer> {
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new FileChunkError(`chunk ${index} is outside a file of ${count} chunks`);
  if (plaintext.length > FILE_CHUNK_BYTES)
    throw new FileChunkError('a chunk is larger than FILE_CHUNK_BYTES');
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonceOf(index, index === count - 1) },
    key,
    plaintext,
  );
  const frame = new Uint8Array(INDEX_BYTES + sealed.byteLength);
  new DataView(frame.buffer).setUint32(0, index);
  frame.set(new Uint8Array(sealed), INDEX_BYTES);
  return frame.buffer;
}

/** The index a frame claims (checked again when it is opened); throws if the frame is malformed. */
export function frameIndex(frame: ArrayBuffer): number {
  if (frame.byteLength < INDEX_BYTES + TAG_BYTES || frame.byteLength > MAX_FILE_FRAME_BYTES)
    throw new FileChunkError(`a chunk frame of ${frame.byteLength} bytes is not a chunk`);
  return new DataView(frame).getUint32(0);
}

/**
 * Opens the frame that must be chunk `expected` of a file of `count` chunks; throws FileChunkError if it is
 * another chunk, or does not open (tampered with, another file's, cut short).
 */
export async function openChunk(
  key: CryptoKey,
  expected: number,
  count: number,
  frame: ArrayBuffer,
): Promise<Uint8Array<ArrayBuffer>> {
  const index = frameIndex(frame);
  if (index !== expected) throw new FileChunkError(`chunk ${index} came where chunk ${expected} was due`);
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: nonceOf(index, index === count - 1) },
      key,
      new Uint8Array(frame, INDEX_BYTES),
    );
    return new Uint8Array(plaintext);
  } catch {
    throw new FileChunkError(`chunk ${index} does not open: it was altered, or belongs to another file`);
  }
}
