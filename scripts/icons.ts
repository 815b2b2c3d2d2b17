/**
 * Makes the icon sizes the stores want that are missing (Chrome's 16/32/48/128 px, Firefox's 48/96 px) from the
 * 128 px master, scaled down by Chromium's canvas (a dev tool: no image library in the dependencies). Sizes already
 * there are kept (they may be drawn by hand). Run: npx tsx scripts/icons.ts
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/browsers';

const DIR = 'extension/public/icon';
const MASTER = 128; // px
const SIZES = [16, 32, 48, 96].filter((size) => !existsSync(join(DIR, `${size}.png`))); // px

const master = `data:image/png;base64,${(await readFile(join(DIR, `${MASTER}.png`))).toString('base64')}`;
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  for (const size of SIZES) {
    const png = await page.evaluate(
      async ({ source, size }) => {
        const image = new Image();
        image.src = source;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = size;
        const context = canvas.getContext('2d');
        if (!context) throw new Error('icons: no 2d canvas');
        context.imageSmoothingQuality = 'high';
        context.drawImage(image, 0, 0, size, size);
        return canvas.toDataURL('image/png').split(',')[1] ?? '';
      },
      { source: master, size },
    );
    await writeFile(join(DIR, `${size}.png`), Buffer.from(png, 'base64'));
    console.log(`${DIR}/${size}.png`);
  }
} finally {
  await browser.close();
}
