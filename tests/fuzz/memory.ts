/** Heap measurement after a full collection, without starting node with --expose-gc. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
// A fresh context picks the flag up and hands out its gc(); it collects the whole isolate.
const gc = runInNewContext('gc') as () => void;

export const MiB = 1024 * 1024;

/** Bytes of heap in use after two full collections (the second frees what finalizers let go). */
export function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
