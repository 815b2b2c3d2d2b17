import { browser } from 'wxt/browser';
import {
  SHARE_WINDOW_PATH,
  SHARE_WINDOW_SIZE,
  shareWindowQuery,
  type ShareWindowParams,
} from './share-window';

/**
 * Opens the share window, a small window of its own: a Firefox toolbar popup closes when its file picker opens
 * (bug 1292701), a window does not. From the popup (the attach button: `{ to }`) or the background.
 */
export async function openShareWindow(params: ShareWindowParams = {}): Promise<void> {
  // WXT types getURL by the build's public paths (.wxt), which code type-checked outside the extension lacks.
  const runtime = browser.runtime as unknown as { getURL(path: string): string };
  await browser.windows.create({
    url: runtime.getURL(`${SHARE_WINDOW_PATH}${shareWindowQuery(params)}`),
    type: 'popup',
    ...SHARE_WINDOW_SIZE,
  });
}
