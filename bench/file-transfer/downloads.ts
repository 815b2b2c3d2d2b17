/**
 * The files the receiver's engine saved through the downloads: each one is deleted from disk and erased from the
 * browser's list once it is complete, so a run of the bench leaves no gigabytes behind.
 */
import type { Page } from 'playwright-core';

/** How long a save may take to complete after the engine called the transfer done, in ms. */
const COMPLETE_WITHIN_MS = 120_000;

export interface RemovedDownload {
  readonly filename: string;
  readonly bytes: number;
  /** When the browser started and ended saving it, ms since epoch (endTime is absent if it never ended). */
  readonly startedAt: number;
  readonly endedAt?: number;
}

/** Waits until every download of `page`'s extension is complete (or failed), then deletes and erases them all. */
export async function removeDownloads(page: Page): Promise<RemovedDownload[]> {
  return page.evaluate(async (deadlineMs) => {
    interface Item {
      id: number;
      filename: string;
      bytesReceived: number;
      state: 'in_progress' | 'interrupted' | 'complete';
      exists: boolean;
      startTime: string;
      endTime?: string;
    }
    const { chrome } = globalThis as unknown as {
      chrome: {
        downloads: {
          search(query: object): Promise<Item[]>;
          removeFile(id: number): Promise<void>;
          erase(query: { id: number }): Promise<number[]>;
        };
      };
    };
    const deadline = Date.now() + deadlineMs;
    let items = await chrome.downloads.search({});
    while (items.some((item) => item.state === 'in_progress') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      items = await chrome.downloads.search({});
    }
    for (const item of items) {
      if (item.state === 'complete' && item.exists) await chrome.downloads.removeFile(item.id);
      await chrome.downloads.erase({ id: item.id });
    }
    return items.map((item) => ({
      filename: item.filename,
      bytes: item.bytesReceived,
      startedAt: Date.parse(item.startTime),
      ...(item.endTime ? { endedAt: Date.parse(item.endTime) } : {}),
    }));
  }, COMPLETE_WITHIN_MS);
}
