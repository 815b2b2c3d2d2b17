import { FILE_HASH_LENGTH } from '../../../shared/limits';
import { hashFile } from './file-hash';

/**
 * SHA-256 of a file, hashed in a Worker of its own (a large file takes seconds: the engine's thread keeps serving
 * messages meanwhile); where no Worker can start, here.
 */
export function hashInWorker(file: Blob): Promise<Uint8Array> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./file-hash.worker.ts', import.meta.url), {
      type: 'module',
      name: 'file-hash',
    });
  } catch {
    return hashFile(file);
  }
  return new Promise<Uint8Array>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ digest?: unknown; error?: unknown }>) => {
      const { digest, error } = event.data;
      if (digest instanceof Uint8Array && digest.length === FILE_HASH_LENGTH) resolve(digest);
      else {
        const reason = typeof error === 'string' ? error : 'no digest came back';
        reject(new Error(`The file could not be read to hash it: ${reason}`));
      }
    };
    worker.onerror = () => reject(new Error('The file could not be hashed'));
    worker.postMessage(file);
  }).finally(() => worker.terminate());
}
