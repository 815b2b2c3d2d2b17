/**
 * `npm start`: after the build, says where to load the extension from and runs the signal server
 * with its embedded defaults (no external services).
 */
import { resolve } from 'node:path';

const chrome = resolve('.output/chrome-mv3');
const firefox = resolve('.output/firefox-mv2/manifest.json');

console.log(`
Extension built.
  Chrome:  open chrome://extensions, turn on Developer mode, "Load unpacked", choose
           ${chrome}
  Firefox: open about:debugging#/runtime/this-firefox, "Load Temporary Add-on…", choose
           ${firefox}
Then click the toolbar icon, choose a name; the server below is the default (http://localhost:3000).
`);

await import('../signal-server/src/main');
