import type { ExtensionPage } from './engine-channel';

/** A download as the extension's downloads API reports it (the fields the tests read). */
export interface DownloadRecord {
  readonly id: number;
  /** The full path the browser saved it under. */
  readonly filename: string;
  readonly state: string;
  readonly bytesReceived: number;
  /** The file's size once complete (-1 if unknown). */
  readonly fileSize: number;
  readonly exists: boolean;
}

/** Every download the browser knows of, through the extension's downloads API (from one of its pages). */
export async function listDownloads(page: ExtensionPage): Promise<DownloadRecord[]> {
  return page.evaluate(async () => {
    interface Item {
      id: number;
      filename: string;
      state: string;
      bytesReceived: number;
      fileSize: number;
      exists: boolean;
    }
    const { chrome } = globalThis as unknown as {
      chrome: { downloads: { search(query: object, callback: (items: Item[]) => void): void } };
    };
    // The callback form: Firefox's `chrome` namespace has no promises.
    const items = await new Promise<Item[]>((resolve) => chrome.downloads.search({}, resolve));
    return items.map(({ id, filename, state, bytesReceived, fileSize, exists }) => ({
      id,
      filename,
      state,
      bytesReceived,
      fileSize,
      exists,
    }));
  }, undefined);
}

/** The last part of a path, on either system's separator. */
export const baseName = (path: string): string => path.split(/[/\\]/).pop() ?? '';

/** The one download whose file is named `name`; throws, listing what there is, unless there is exactly one. */
export async function downloadNamed(page: ExtensionPage, name: string): Promise<DownloadRecord> {
  const all = await listDownloads(page);
  const found = all.filter((item) => baseName(item.filename) === name);
  if (found.length !== 1 || !found[0])
    throw new Error(
      `downloadNamed: ${found.length} downloads named ${JSON.stringify(name)}; all: ${JSON.stringify(all)}`,
    );
  return found[0];
}
