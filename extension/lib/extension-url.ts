import { browser } from 'wxt/browser';

/**
 * The absolute URL of one of the extension's own files (`chrome-extension://<id>/<path>`, `moz-extension://…`).
 * WXT types getURL by the build's public paths (generated in .wxt), which code type-checked outside the
 * extension (the tests' tsconfig) lacks: this one signature serves both.
 */
export function extensionUrl(path: string): string {
  return (browser.runtime as unknown as { getURL(path: string): string }).getURL(path);
}
