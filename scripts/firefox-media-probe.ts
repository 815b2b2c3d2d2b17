/**
 * Whether this machine's headless Firefox gives fake media: `npx tsx scripts/firefox-media-probe.ts` (FIREFOX_PATH
 * to pick another binary). Prints the browser's version and what the probe page found (tests/support/firefox-media.ts
 * records what was seen).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer from 'puppeteer-core';
import { FIREFOX_PATH } from '../tests/support/browsers';
import {
  FAKE_MEDIA_PROBE_PAGE,
  FIREFOX_FAKE_MEDIA_PREFS,
  type FakeMediaReport,
} from '../tests/support/firefox-media';

const http = createServer((_request, response) =>
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(FAKE_MEDIA_PROBE_PAGE),
);
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const { port } = http.address() as AddressInfo; // listening on TCP
const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: FIREFOX_PATH,
  headless: true,
  extraPrefsFirefox: FIREFOX_FAKE_MEDIA_PREFS,
});
try {
  console.log(`browser: ${await browser.version()}`);
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  // A string, not a function: tsx would wrap a function's source in helpers the page lacks.
  const report = (await page.evaluate('window.probeFakeMedia()')) as FakeMediaReport; // the page's own report
  console.log(JSON.stringify(report, null, 2));
  const last = report.received?.at(-1);
  const first = report.received?.[0];
  const grows = (key: 'audioSamples' | 'videoFrames') => (last?.[key] ?? 0) > (first?.[key] ?? 0);
  console.log(
    report.error
      ? `fake media: NO (${report.error})`
      : `fake media: audio ${grows('audioSamples') ? 'flows' : 'does NOT flow'}, video ${grows('videoFrames') ? 'flows' : 'does NOT flow'}`,
  );
} finally {
  await browser.close();
  http.close();
}
