import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// Chrome builds as MV3 (the engine lives in an offscreen document);
// Firefox builds as MV2 (the engine lives in the persistent background page).
export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  vite: () => ({
    plugins: [preact()],
    // Maps beside the bundles, not linked from them: the bench reads them to name the code a CPU profile samples.
    build: { sourcemap: 'hidden' },
  }),
  manifest: ({ browser }) => ({
    name: 'Toolbar Messenger',
    description: 'Private peer-to-peer chat from your browser toolbar.',
    permissions: browser === 'firefox' ? [] : ['offscreen'],
    browser_specific_settings:
      browser === 'firefox'
        ? { gecko: { id: 'messenger@toolbar-messenger.local', strict_min_version: '128.0' } }
        : undefined,
  }),
});
