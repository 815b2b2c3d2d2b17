import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Flags that keep Chromium from reaching out to the network (closed here) and from needing a GPU. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether a browser test can run. A missing browser is never a silent skip: under CI it fails the run,
 * elsewhere it skips with a loud message saying how to install it.
 */
export function browserAvailable(path: string, name: string): boolean {
  if (existsSync(path)) return true;
  const message = `${name} not found at ${path}: install it (Debian: apt-get install -y chromium firefox-esr) or set ${
    name === 'Chromium' ? 'CHROMIUM_PATH' : 'FIREFOX_PATH'
  }`;
  if (process.env.CI) throw new Error(`Browser tests are required under CI. ${message}`);
  console.error(`\n!!! SKIPPING ${name} TESTS: ${message}\n`);
  return false;
}
