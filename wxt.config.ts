import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// Chrome builds as MV3 (the engine lives in an offscreen document);
// Firefox builds as MV2 (the engine lives in the persistent background page).
export default defineConfig({
  srcDir: 'extension',
  // Icons (public/icon/<size>.png: WXT lists them in the manifest) and other files copied as they are.
  publicDir: 'extension/public',
  outDir: '.output',
  // `browser` from wxt/browser is Mozilla's webextension-polyfill (the design names it): one promise-based API on
  // Chrome as on Firefox, where it is a no-op.
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
    // Maps beside the bundles, not linked from them: the bench reads them to name the code a CPU profile samples.
    build: { sourcemap: 'hidden' },
  }),
  manifest: ({ browser }) => ({
    name: 'Toolbar Messenger',
    description: 'Private peer-to-peer chat from your browser toolbar.',
    // downloads: received files are saved through it. contextMenus/menus: "Send to…" on images, links,
    // selections and pages. Host access is optional, asked for one origin at a time when an image is shared from
    // a page that does not allow others to fetch it (README, Permissions).
    // notifications: a file offered that waits for a decision, received, or failed.
    permissions:
      browser === 'firefox'
        ? ['downloads', 'menus', 'notifications']
        : ['offscreen', 'downloads', 'contextMenus', 'notifications'],
    ...(browser === 'firefox'
      ? { optional_permissions: ['<all_urls>'] }
      : { optional_host_permissions: ['<all_urls>'] }),
    // WebAssembly for SHA-256 (hash-wasm, files/sha256-stream.ts): Chrome's MV3 default forbids it; no eval.
    content_security_policy:
      browser === 'firefox'
        ? "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';"
        : { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';" },
    browser_specific_settings:
      browser === 'firefox'
        ? { gecko: { id: 'messenger@toolbar-messenger.local', strict_min_version: '128.0' } }
        : undefined,
  }),
});
