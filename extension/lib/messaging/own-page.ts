/**
 * Who may talk to a context of this extension: a check of a message's sender, shared by the engine's port (serve.ts)
 * and the background's handlers. A module of its own, so a page that opens a window loads this and not the engine's
 * side of the port.
 */
import { browser, type Browser } from 'wxt/browser';
import { extensionUrl } from '../extension-url';

/**
 * Only the named pages of this extension (paths such as `/popup.html`; a query or a fragment does not matter) may
 * talk to it; its other pages, content scripts, web pages and other extensions may not.
 */
export function isOwnPage(
  sender: Browser.runtime.MessageSender | undefined,
  pages: readonly string[],
): boolean {
  if (!sender?.url || sender.id !== browser.runtime.id || sender.tab?.url?.startsWith('http')) return false;
  const own = new URL(extensionRoot());
  const url = urlOf(sender.url);
  if (url?.protocol !== own.protocol || url.host !== own.host) return false;
  return pages.includes(url.pathname);
}

/** This extension's origin, as a URL (`chrome-extension://<id>/`, `moz-extension://<uuid>/`). */
function extensionRoot(): string {
  return extensionUrl('/');
}

function urlOf(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
