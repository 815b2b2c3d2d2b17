import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { lintClean } from './build/lint-clean';
import { pageChunks } from './build/page-chunks';

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
    plugins: [preact(), lintClean(), pageChunks()],
    // Maps beside the bundles, not linked from them: the bench reads them to name the code a CPU profile samples.
    build: { sourcemap: 'hidden' },
  }),
  hooks: {
    // WXT takes the toolbar button's tooltip from popup.html's <title>: the extension's name, in the user's language.
    'build:manifestGenerated': (_wxt, manifest) => {
      for (const key of ['action', 'browser_action'] as const) {
        // WXT types both keys loosely (any); each is an object with an optional title when present.
        const action = manifest[key] as { default_title?: string } | undefined;
        if (action) action.default_title = '__MSG_extName__';
      }
    },
  },
  manifest: ({ browser }) => ({
    // Words from extension/public/_locales (English, German): the stores and the browser show them.
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // A keyboard shortcut that opens the popup (changeable at chrome://extensions/shortcuts, about:addons).
    commands: {
      [browser === 'firefox' ? '_execute_browser_action' : '_execute_action']: {
        suggested_key: { default: 'Alt+Shift+M' },
        description: '__MSG_commandOpen__',
      },
    },
    // downloads: received files are saved through it. contextMenus/menus: "Send to…" on images, links,
    // selections and pages. Host access is optional, asked for one origin at a time when an image is shared from
    // a page that does not allow others to fetch it (README, Permissions).
    // notifications: a file offered that waits for a decision, received, or failed.
    // storage: the theme picked (browser.storage.local, outside the vault), so the popup, the options page and
    // the call window all follow it, the lock screen too.
    permissions:
      browser === 'firefox'
        ? ['downloads', 'menus', 'notifications', 'storage']
        : ['offscreen', 'downloads', 'contextMenus', 'notifications', 'storage'],
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
        ? {
            gecko: {
              id: 'messenger@toolbar-messenger.local',
              strict_min_version: '140.0',
              // Mozilla counts what leaves the browser, to anyone: messages (end-to-end encrypted) and the name
              // and profile go to the signal server the user chose and to their contacts. Nothing goes to us
              // (README, Permissions).
              data_collection_permissions: {
                required: ['personalCommunications', 'personallyIdentifyingInfo'],
              },
            },
            // Firefox for Android reads data_collection_permissions from 142 on.
            gecko_android: { strict_min_version: '142.0' },
          }
        : undefined,
  }),
});
