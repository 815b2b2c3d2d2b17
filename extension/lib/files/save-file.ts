import { browser } from 'wxt/browser';
import { downloadAndWait, requestDownload } from '../host/downloads';

/**
 * Saves a received file through the downloads API under `name` (already safe: safeFileName), never opening it and
 * never asking where; a name already taken gets a counter. Resolves to the name the browser saved it under (base
 * name only), rejects with a clear Error if the download fails. Where the engine runs without the downloads API
 * (Chrome's offscreen document has only the runtime) it asks the background; Firefox's background page downloads.
 */
export async function saveFile(file: Blob, name: string): Promise<string> {
  // Typed as always there; absent at run time in an offscreen document.
  const here = (browser as { downloads?: unknown }).downloads !== undefined;
  // Typed as plain bytes: Chrome saved a type-less blob (an OPFS file has no type) as "name.txt" whatever the name
  // said, and keeps the name of an application/octet-stream one. Wrapping a Blob copies nothing.
  const url = URL.createObjectURL(new Blob([file], { type: 'application/octet-stream' }));
  try {
    return here ? await downloadAndWait(url, name) : await requestDownload(url, name);
  } finally {
    // Only now: the browser reads the file through the URL until the download is complete.
    URL.revokeObjectURL(url);
  }
}
