import { browser } from 'wxt/browser';
import {
  SHARE_WINDOW_PATH,
  SHARE_WINDOW_SIZE,
  shareWindowQuery,
  type ShareWindowParams,
} from './share-window';
import { extensionUrl } from '../extension-url';

/**
 * Opens the share window, a small window of its own: a Firefox toolbar popup closes when its file picker opens
 * (bug 1292701), a window does not. From the popup (the attach button: `{ to }`) or the background.
 */
export async function openShareWindow(params: ShareWindowParams = {}): Promise<void> {
  await browser.windows.create({
    url: extensionUrl(`${SHARE_WINDOW_PATH}${shareWindowQuery(params)}`),
    type: 'popup',
    ...SHARE_WINDOW_SIZE,
  });
}
