/**
 * Received files in the origin private file system, under one directory. The writing side (openStoredFile) runs in
 * a Worker: only there does a file offer a sync access handle, which writes in place without a swap-file copy.
 */
import type { StoredFile } from './sink-server';

/** The OPFS directory received files are written in. */
export const TRANSFERS_DIRECTORY = 'transfers';

/** FileSystemSyncAccessHandle as browsers ship it (TypeScript declares it only in the WebWorker library). */
interface SyncAccessHandle {
  getSize(): number;
  read(buffer: Uint8Array, options: { at: number }): number;
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
type WorkerFileHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncAccessHandle> };

async function transfersDirectory(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(TRANSFERS_DIRECTORY, { create: true });
}

/** In a Worker: opens (creating it if new) the received file `id` for exclusive writing. */
export async function openStoredFile(id: string): Promise<StoredFile> {
  const directory = await transfersDirectory();
  // Only a dedicated Worker has createSyncAccessHandle, which is where this module runs.
  const handle = (await directory.getFileHandle(id, { create: true })) as WorkerFileHandle;
  const access = await handle.createSyncAccessHandle();
  return {
    size: () => access.getSize(),
    read(at, length) {
      const buffer = new Uint8Array(length);
      return buffer.subarray(0, access.read(buffer, { at }));
    },
    write(bytes, at) {
      const written = access.write(bytes, { at });
      if (written !== bytes.length)
        throw new Error(`openStoredFile: wrote ${written} of ${bytes.length} bytes`);
    },
    truncate: (size) => access.truncate(size),
    flush: () => access.flush(),
    close: () => access.close(),
    file: () => handle.getFile(),
    remove: () => directory.removeEntry(id),
  };
}

/** Deletes the received file `id`, if there is one. */
export async function removeStoredFile(id: string): Promise<void> {
  const directory = await transfersDirectory();
  try {
    await directory.removeEntry(id);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return;
    throw error;
  }
}
