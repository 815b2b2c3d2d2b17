import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FIREFOX_PATH } from './browsers';
import { TEST_PASSPHRASE } from './popup-page';

export const FIREFOX_BUILD = resolve('.output/firefox-mv2');
const GECKO_ID = 'messenger@toolbar-messenger.local';

/**
 * One Firefox user with the built extension (MV2: the engine runs in the background page).
 * WebDriver BiDi may not navigate to moz-extension:// pages, so the test drives the welcome tab
 * that the extension opens by itself on install.
 */
export class FirefoxUser {
  private constructor(
    readonly browser: Browser,
    readonly uuid: string,
  ) {}

  static async launch(): Promise<FirefoxUser> {
    const uuid = randomUUID();
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }) },
    });
    await browser.installExtension(FIREFOX_BUILD);
    return new FirefoxUser(browser, uuid);
  }

  /** The welcome tab (popup.html) the extension opened on install. */
  async welcomePage(): Promise<FirefoxPopupPage> {
    const url = `moz-extension://${this.uuid}/popup.html`;
    for (let attempt = 0; attempt < 100; attempt++) {
      for (const page of await this.browser.pages()) {
        // page.url() can lag behind for extension pages; ask the page itself.
        const href = await page.evaluate(() => location.href).catch(() => '');
        if (href === url) return new FirefoxPopupPage(page);
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`welcomePage: the extension did not open ${url} within 10 s of installing`);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** The popup UI in a Firefox tab, driven through ARIA roles and names like PopupPage. */
export class FirefoxPopupPage {
  constructor(readonly page: Page) {}

  private textbox(name: string): string {
    return `::-p-aria([name="${name}"][role="textbox"])`;
  }

  async chooseName(name: string, serverUrl: string): Promise<void> {
    await this.page.locator(this.textbox('Your name')).fill(name);
    await this.page.locator(this.textbox('Signal server')).fill(serverUrl);
    // Password fields have no ARIA role: the passphrase and its repetition, in order.
    for (const field of await this.page.$$('input[type="password"]')) await field.type(TEST_PASSPHRASE);
    await this.page.locator('::-p-aria([name="Start chatting"][role="button"])').click();
  }

  async waitOnline(): Promise<void> {
    await this.waitForText('[data-testid="connection-status"]', 'Online');
  }

  async openChat(name: string): Promise<void> {
    await this.waitForText('[data-testid="contact"]', name, 'prefix');
    await this.page.locator(`::-p-text(${name})`).click();
  }

  async waitDirect(name: string): Promise<void> {
    await this.waitForText('[data-testid="contact"]', `${name}direct`);
  }

  async send(text: string): Promise<void> {
    const box = this.page.locator('::-p-aria([role="textbox"])');
    await box.fill(text);
    await this.page.keyboard.press('Enter');
  }

  async waitForMessage(text: string): Promise<void> {
    await this.waitForText('[data-testid="message-text"]', text);
  }

  /** Waits until an element matching `selector` has `text` as its text (or as its start: a contact may carry a badge). */
  private async waitForText(
    selector: string,
    text: string,
    match: 'exact' | 'prefix' = 'exact',
  ): Promise<void> {
    await this.page.waitForFunction(
      (css: string, wanted: string, prefix: boolean) =>
        [...document.querySelectorAll(css)].some((element) => {
          const content = element.textContent;
          return prefix ? content.startsWith(wanted) : content === wanted;
        }),
      { timeout: 30_000 },
      selector,
      text,
      match === 'prefix',
    );
  }
}
