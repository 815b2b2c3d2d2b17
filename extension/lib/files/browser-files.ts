import type { FileServices } from '../engine/transfers/transfers';
import { hashInWorker } from './hash-in-worker';
import { safeFileName } from './file-names';
import { createReceivedFiles } from './received-files';
import { saveFile } from './save-file';
import { thumbnailOf } from './thumbnail';

/**
 * Files in this browser: hashed in slices, kept in the origin private file system, saved through the downloads,
 * pictures shown by thumbnails the engine draws.
 */
export function browserFileServices(): FileServices {
  return {
    received: createReceivedFiles(),
    hash: hashInWorker,
    save: saveFile,
    safeName: safeFileName,
    thumbnail: thumbnailOf,
  };
}
