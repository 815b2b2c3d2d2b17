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

  /** `prefs`: more Firefox prefs, e.g. FIREFOX_FAKE_MEDIA_PREFS (firefox-media.ts) for calls. */
  static async launch(prefs: Readonly<Record<string, boolean | number | string>> = {}): Promise<FirefoxUser> {
    const uuid = randomUUID();
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      extraPrefsFirefox: { ...prefs, 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }) },
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

  // Puppeteer's Locators (fill, click) never find an element actionable in Firefox ESR 140 over WebDriver BiDi;
  // element handles work, so the helpers below use them.

  private async clickOn(selector: string): Promise<void> {
    const element = await this.page.waitForSelector(selector);
    if (!element) throw new Error(`nothing matches ${selector}`);
    await element.click();
  }

  /** Replaces the text of the field named `name` by typing, as a user would. */
  private async typeInto(name: string, text: string): Promise<void> {
    const field = await this.page.waitForSelector(`::-p-aria([name="${name}"][role="textbox"])`);
    if (!field) throw new Error(`no text field named ${name}`);
    await field.click({ count: 3 }); // selects what is there, so typing replaces it
    await field.type(text);
  }

  async chooseName(name: string, serverUrl: string): Promise<void> {
    await this.typeInto('Your name', name);
    await this.typeInto('Signal server', serverUrl);
    // Password fields have no ARIA role: the passphrase and its repetition, in order.
    for (const field of await this.page.$$('input[type="password"]')) await field.type(TEST_PASSPHRASE);
    await this.clickOn('::-p-aria([name="Start chatting"][role="button"])');
  }

  async lock(): Promise<void> {
    await this.clickOn('::-p-aria([name="Lock"][role="button"])');
    await this.waitForText('h1', 'Locked');
  }

  async unlock(): Promise<void> {
    const field = await this.page.waitForSelector('input[type="password"]');
    if (!field) throw new Error('no passphrase field');
    await field.type(TEST_PASSPHRASE);
    await this.clickOn('::-p-aria([name="Unlock"][role="button"])');
  }

  async waitOnline(): Promise<void> {
    await this.waitForText('[data-testid="connection-status"]', 'Online');
  }

  /** One screen shows at a time: back to the conversation list, if another is shown. */
  private async showList(): Promise<void> {
    const back = await this.page.$('[data-testid="back"]');
    if (back) await back.click();
    await this.page.waitForSelector('.screen:not([inert]) .conversation-list');
  }

  async openChat(name: string): Promise<void> {
    await this.showList();
    await this.waitForText('[data-testid="contact"]', name, 'prefix');
    await this.clickOn(`::-p-text(${name})`);
  }

  async waitDirect(name: string): Promise<void> {
    await this.waitForText('[data-testid="contact"]', name, 'prefix', 'direct');
  }

  async send(text: string): Promise<void> {
    // Read-only while the previous message is on its way to the engine: keys typed then would be lost.
    const box = await this.page.waitForSelector('#composer-text:not([readonly])');
    if (!box) throw new Error('no message box');
    await box.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** Asks `name` to be a contact from the Add contact pane; resolves once the request shows as waiting. */
  async addContact(name: string): Promise<void> {
    if (!(await this.page.$('[data-testid="add-contact-input"]'))) {
      await this.showList();
      await this.clickOn('[data-testid="add-contact-open"]');
    }
    const field = await this.page.waitForSelector('[data-testid="add-contact-input"]');
    if (!field) throw new Error('no add-contact field');
    await field.type(name);
    await this.clickOn('[data-testid="add-contact-submit"]');
    await this.waitForText('[data-testid="outgoing-request"]', name, 'prefix');
  }

  /** Accepts the request from `name` once it arrives; resolves once `name` is listed as a contact. */
  async acceptRequest(name: string): Promise<void> {
    await this.showList();
    await this.waitForText('[data-testid="open-request"]', name, 'prefix');
    await this.clickOn('[data-testid="accept-request"]');
    await this.waitForText('[data-testid="contact"]', name, 'prefix');
  }

  async waitForMessage(text: string): Promise<void> {
    await this.waitForText('[data-testid="message-text"]', text);
  }

  /**
   * Waits until an element matching `selector` has `text` as its text (or as its start: a contact may carry a badge),
   * and `also` somewhere in it if given.
   */
  private async waitForText(
    selector: string,
    text: string,
    match: 'exact' | 'prefix' = 'exact',
    also = '',
  ): Promise<void> {
    // Polled from here: waitForFunction builds its predicate with Function(), which the extension's CSP blocks.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const texts = await this.page.$$eval(selector, (elements) =>
        elements.map((element) => element.textContent),
      );
      const matched = (content: string): boolean =>
        (match === 'prefix' ? content.startsWith(text) : content === text) && content.includes(also);
      if (texts.some(matched)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`waitForText: no ${selector} showed "${text}" within 30 s`);
  }
}
