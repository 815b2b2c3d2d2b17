import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { EngineState } from '../../extension/lib/messaging/protocol';
import { FIREFOX_PATH, browserAvailable } from '../support/browsers';
import { FIREFOX_BUILD, FirefoxUser, type FirefoxPopupPage } from '../support/firefox-extension';
import { startTestServer, type TestServer } from '../support/server';

/** Polls (Firefox's extension CSP blocks the Function() that waitForFunction builds) until `read` gives `want`. */
async function until<T>(
  read: () => Promise<T | undefined>,
  want: (value: T) => boolean,
  what: string,
): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && want(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`until: ${what} did not happen within 30 s`);
}

const texts = (page: Page, selector: string): Promise<string[]> =>
  page.$$eval(selector, (elements) => elements.map((element) => element.textContent));

/** The engine's state, asked over the runtime Port from an extension page, as the pages ask it. */
function engineState(page: Page): Promise<EngineState> {
  return page.evaluate(
    () =>
      new Promise<EngineState>((resolve, reject) => {
        interface Port {
          onMessage: {
            addListener(
              listener: (frame: { kind: string; result?: { ok: boolean; data?: unknown } }) => void,
            ): void;
          };
          postMessage(message: unknown): void;
          disconnect(): void;
        }
        const { browser } = globalThis as unknown as {
          browser: { runtime: { connect(info: { name: string }): Port } };
        };
        const port = browser.runtime.connect({ name: 'engine' });
        port.onMessage.addListener((frame) => {
          if (frame.kind !== 'response') return;
          port.disconnect();
          if (frame.result?.ok) resolve(frame.result.data as EngineState);
          else reject(new Error('getState failed'));
        });
        port.postMessage({ kind: 'request', id: 0, method: 'getState', params: {} });
      }),
  );
}

describe.runIf(browserAvailable(FIREFOX_PATH, 'Firefox'))('the options page on Firefox', () => {
  let server: TestServer;
  let firefox: FirefoxUser;
  let popup: FirefoxPopupPage;
  let options: Page;

  beforeAll(async () => {
    server = await startTestServer();
    firefox = await FirefoxUser.launch();
    popup = await firefox.welcomePage();
    await popup.chooseName('Fiona', server.url);
    await popup.waitOnline();
  }, 120_000);
  afterAll(async () => {
    await firefox.close();
    await server.close();
  });

  it('opens from the extension (runtime.openOptionsPage: a test may not navigate to it) and shows the version', async () => {
    await popup.page.evaluate(() => {
      const { browser } = globalThis as unknown as {
        browser: { runtime: { openOptionsPage(): Promise<void> } };
      };
      void browser.runtime.openOptionsPage();
    });
    const url = `moz-extension://${firefox.uuid}/options.html`;
    options = await until(
      async () => {
        for (const page of await firefox.browser.pages())
          if ((await page.evaluate(() => location.href).catch(() => '')) === url) return page;
        return undefined;
      },
      () => true,
      'the options tab',
    );
    const { version } = JSON.parse(readFileSync(`${FIREFOX_BUILD}/manifest.json`, 'utf8')) as {
      version: string;
    };
    await until(
      () => texts(options, '[data-testid="version"]'),
      (found) => found.includes(`Version ${version}`),
      'the version',
    );
  });

  it('saves the notifications and typing indicators there, and the engine has them', async () => {
    await until(
      () => texts(options, 'h1'),
      (found) => found.includes('Settings'),
      'the settings form',
    );
    await options.select('select[name="notifications"]', 'with-content');
    const typing = await options.waitForSelector('input[name="typingIndicators"]');
    await typing?.click();
    const save = await options.waitForSelector('::-p-aria([name="Save"][role="button"])');
    await save?.click();
    await until(
      () => texts(options, '[role="status"]'),
      (found) => found.includes('Settings saved'),
      'the save',
    );
    const state = await engineState(popup.page);
    expect(state.settings).toMatchObject({
      name: 'Fiona',
      notifications: 'with-content',
      typingIndicators: false,
    });
  });
});
