/**
 * The browser's own part of opening the popup, measured with nothing attached while the pages load
 * (raw-chromium.ts): when an extension page's script starts, for popup.html and for a page with one empty module
 * script (what Chromium takes here to open any extension page before a line of its script runs). The
 * blank page goes in a copy of the build; each page is attached to only once it has loaded, to read its
 * `popup:start` mark (mount-page.tsx sets it in popup.html; the blank page's script sets it too).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROME_BUILD } from '../tests/support/chrome-extension';
import { launchRawChromium } from './raw-chromium';

const BLANK = 'bench-blank.html';
const BLANK_HTML = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>blank</title><script type="module" src="/bench-blank.js"></script></head><body></body></html>`;
const BLANK_SCRIPT = `performance.mark('popup:start');`;
/** How long a page is given to load before the bench attaches to it and reads its mark. */
const LOAD_MS = 1_500;

/** Script starts in ms from each page's navigation start, in the order opened (the two pages alternate). */
export interface PageStarts {
  readonly blank: number[];
  readonly popup: number[];
}

export async function pageStarts(runs: number): Promise<PageStarts> {
  const dir = mkdtempSync(join(tmpdir(), 'messenger-page-start-'));
  const build = join(dir, 'extension');
  cpSync(CHROME_BUILD, build, { recursive: true });
  writeFileSync(join(build, BLANK), BLANK_HTML);
  writeFileSync(join(build, 'bench-blank.js'), BLANK_SCRIPT);
  const chromium = await launchRawChromium(join(dir, 'profile'), build);
  try {
    const started = async (page: string): Promise<number> => {
      const tab = await chromium.open(page);
      await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
      const time = await chromium.evaluate(
        tab,
        `performance.getEntriesByName('popup:start')[0]?.startTime ?? -1`,
      );
      await chromium.close(tab);
      if (typeof time !== 'number' || time < 0)
        throw new Error(`page-start: ${page} never started its script`);
      return time;
    };
    const starts: PageStarts = { blank: [], popup: [] };
    // One of each first, not counted: the first open of a page reads its files from disk.
    await started(BLANK);
    await started('popup.html');
    for (let run = 0; run < runs; run++) {
      starts.blank.push(await started(BLANK));
      starts.popup.push(await started('popup.html'));
    }
    return starts;
  } finally {
    await chromium.quit();
    rmSync(dir, { recursive: true, force: true });
  }
}
