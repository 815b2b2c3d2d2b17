/** A dedicated Worker that hashes one file (started by hashInWorker): the engine's thread stays free meanwhile. */
import { hashFile } from './file-hash';

interface Scope {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: unknown): void;
}
// A worker's global scope (the DOM library types `self` as a Window).
const scope = self as unknown as Scope;
scope.onmessage = (event) => {
  const file = event.data;
  if (!(file instanceof Blob)) return scope.postMessage({ error: 'not a file' });
  hashFile(file).then(
    (digest) => scope.postMessage({ digest }),
    (error: unknown) => scope.postMessage({ error: String(error) }),
  );
};
