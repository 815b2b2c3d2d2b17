import { browser } from 'wxt/browser';
import { extensionUrl } from '../extension-url';

const OFFSCREEN_PATH = '/offscreen.html';
let creating: Promise<void> | undefined;

/**
 * Chrome: makes sure the one offscreen document that hosts the engine exists.
 * Under a lock, because Chrome allows only one and concurrent creations fail.
 */
export async function ensureOffscreenDocument(): Promise<void> {
  const url = extensionUrl(OFFSCREEN_PATH);
  const existing = await browser.runtime.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT'],
    documentUrls: [url],
  });
  if (existing.length > 0) return;
  creating ??= browser.offscreen
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: ['WEB_RTC'],
      justification: 'Holds the peer-to-peer chat connections (WebRTC) and the signaling socket.',
    })
    .finally(() => {
      creating = undefined;
    });
  await creating;
}
