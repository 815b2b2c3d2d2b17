/**
 * A message's actions (reply, edit, delete for everyone) in the Firefox popup tab, and what its bubbles show, for
 * FirefoxPopupPage (firefox-extension.ts). Element handles, CSS selectors and page.evaluate only: Puppeteer's
 * Locators never find an element actionable over WebDriver BiDi in Firefox ESR 140, and the extension's CSP blocks
 * the Function() that waitForFunction uses (ESR 140 and 153 alike).
 */
import type { ElementHandle, Page } from 'puppeteer-core';

/** One message as its bubble shows it. */
export interface ShownBubble {
  /** The message's text ('' for a deleted one or a file's card without caption). */
  readonly text: string;
  /** The quoted message's text, for a reply. */
  readonly quote?: string;
  readonly edited: boolean;
  /** The note left in a deleted message's place. */
  readonly deleted?: string;
}

const POLL_MS = 100;
const TIMEOUT_MS = 30_000;

/** Every bubble of the open conversation, in order. */
export async function shownBubbles(page: Page): Promise<ShownBubble[]> {
  return page.$$eval('[data-testid="message"]', (bubbles) =>
    bubbles.map((bubble) => {
      const textOf = (testId: string): string | undefined =>
        bubble.querySelector(`[data-testid="${testId}"]`)?.textContent ?? undefined;
      const quote = bubble.querySelector('[data-testid="message-quote"] .log-quote-text')?.textContent;
      const deleted = textOf('message-deleted');
      return {
        text: textOf('message-text') ?? '',
        ...(quote === undefined ? {} : { quote }),
        edited: bubble.querySelector('[data-testid="message-edited"]') !== null,
        ...(deleted === undefined ? {} : { deleted }),
      };
    }),
  );
}

/** Polls the open conversation until a bubble matches `check`; returns it. `what` names it in the error. */
export async function waitForBubble(
  page: Page,
  what: string,
  check: (bubble: ShownBubble) => boolean,
): Promise<ShownBubble> {
  const deadline = Date.now() + TIMEOUT_MS;
  let last: ShownBubble[] = [];
  while (Date.now() < deadline) {
    last = await shownBubbles(page);
    const found = last.find(check);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`waitForBubble: no ${what} within ${TIMEOUT_MS} ms among ${JSON.stringify(last)}`);
}

/** The bubble whose text is exactly `text`, once it shows. */
async function bubbleHandle(page: Page, text: string): Promise<ElementHandle> {
  await waitForBubble(page, `message "${text}"`, (bubble) => bubble.text === text);
  for (const bubble of await page.$$('[data-testid="message"]')) {
    const shown = await bubble
      .$eval('[data-testid="message-text"]', (node) => node.textContent)
      .catch(() => null);
    if (shown === text) return bubble;
  }
  throw new Error(`bubbleHandle: the message "${text}" went away`);
}

async function clickSelector(page: Page, selector: string): Promise<void> {
  const element = await page.waitForSelector(selector);
  if (!element) throw new Error(`nothing matches ${selector}`);
  await element.click();
}

/** Opens the menu of the message `text` and picks `item` (message-reply, message-edit, message-delete-everyone…). */
export async function fromFirefoxMenu(page: Page, text: string, item: string): Promise<void> {
  const toggle = await (await bubbleHandle(page, text)).$('[data-testid="message-menu"]');
  if (!toggle) throw new Error(`fromFirefoxMenu: the message "${text}" has no menu`);
  await toggle.click();
  await clickSelector(page, `[data-testid="${item}"]`);
}

/** The message box once it takes keys (read-only while the previous message is on its way to the engine). */
async function messageBox(page: Page): Promise<ElementHandle<HTMLTextAreaElement>> {
  const box = await page.waitForSelector('textarea#composer-text:not([readonly])');
  if (!box) throw new Error('no message box');
  return box;
}

/** Replies to the message `quoted` with `text`, from its menu; resolves once the box is empty again (sent). */
export async function firefoxReply(page: Page, quoted: string, text: string): Promise<void> {
  await fromFirefoxMenu(page, quoted, 'message-reply');
  await page.waitForSelector('[data-testid="composer-reply"]');
  await (await messageBox(page)).type(text);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="composer-reply"]', { hidden: true });
}

/** Changes one's own message `before` into `after`, from its menu; resolves once the edit is saved. */
export async function firefoxEdit(page: Page, before: string, after: string): Promise<void> {
  await fromFirefoxMenu(page, before, 'message-edit');
  await page.waitForSelector('[data-testid="composer-editing"]');
  const box = await messageBox(page);
  // The box holds the old text: selected, typing replaces it as a user's would.
  await box.evaluate((field) => field.select());
  await box.type(after);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="composer-editing"]', { hidden: true });
}
