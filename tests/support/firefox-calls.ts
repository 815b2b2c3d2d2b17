/**
 * Calls with a Firefox user: the engine asked from one of the extension's own pages (as engine-port.ts does in
 * Chrome), and the call window the engine opened for an incoming call (BiDi may not navigate to moz-extension://
 * pages, so the window has to be one the extension opened itself; Firefox's background page opens it on a ring).
 * Element handles and page.evaluate only: the extension's CSP blocks the Function() that waitForFunction and
 * Locators use (ESR 140 and 153 alike).
 */
import type { Page } from 'puppeteer-core';
import {
  CALL_WINDOW_PATH,
  CALL_WINDOW_SIZE,
  callWindowQuery,
  type CallWindowParams,
} from '../../extension/lib/calls/call-window';
import type { CallView } from '../../extension/lib/messaging/call-protocol';
import type { EngineMethod, EngineRequest, EngineResponses } from '../../extension/lib/messaging/protocol';
import { eventually, type ReceivedStats } from './call-window';
import { askEngineInPage, engineAnswer } from './engine-port';
import type { FirefoxUser } from './firefox-extension';

/** One request to the Firefox engine from an extension page; rejects with the engine's error message. */
export async function firefoxEngineCall<M extends EngineMethod>(
  page: Page,
  method: M,
  params: EngineRequest<M>,
): Promise<EngineResponses[M]> {
  return engineAnswer(method, await page.evaluate(askEngineInPage, { method, params }));
}

/** The call ringing in this Firefox user's engine (the first one seen). */
export async function firefoxIncomingCall(engine: Page): Promise<CallView> {
  const calls = await eventually(
    'a call ringing in Firefox',
    () => firefoxEngineCall(engine, 'listCalls', {}),
    (list) => list.some((call) => call.direction === 'in' && call.state === 'ringing'),
  );
  const ringing = calls.find((call) => call.direction === 'in' && call.state === 'ringing');
  if (!ringing) throw new Error('firefoxIncomingCall: none');
  return ringing;
}

/** The extension page whose address ends with `suffix` (page.url() can lag for extension pages: ask the page). */
export async function firefoxExtensionPage(
  user: FirefoxUser,
  suffix: string,
  timeoutMs = 20_000,
): Promise<Page> {
  const address = `moz-extension://${user.uuid}/${suffix}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const page of await user.browser.pages()) {
      const href = await page.evaluate(() => location.href).catch(() => '');
      if (href === address) return page;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`firefoxExtensionPage: no page at ${address} within ${timeoutMs} ms`);
}

/**
 * Opens a call window from one of the extension's pages, as the conversation's call buttons do
 * (host/call-windows.ts openCallWindow: a popup window on call.html): BiDi may not navigate there itself.
 */
export async function openFirefoxCallWindow(
  user: FirefoxUser,
  fromPage: Page,
  params: CallWindowParams,
): Promise<Page> {
  const path = `${CALL_WINDOW_PATH}${callWindowQuery(params)}`;
  await fromPage.evaluate(
    async (path: string, size: { width: number; height: number }) => {
      const { browser } = globalThis as unknown as {
        browser: {
          runtime: { getURL(path: string): string };
          windows: { create(options: object): Promise<unknown> };
        };
      };
      await browser.windows.create({ url: browser.runtime.getURL(path), type: 'popup', ...size });
    },
    path,
    CALL_WINDOW_SIZE,
  );
  return firefoxExtensionPage(user, path.slice(1));
}

export async function clickTestId(page: Page, testId: string): Promise<void> {
  const element = await page.waitForSelector(`[data-testid="${testId}"]`);
  if (!element) throw new Error(`nothing has data-testid ${testId}`);
  await element.click();
}

/** The call window's status line: state and outcome. */
export const firefoxCallState = (page: Page): Promise<{ state: string | null; outcome: string | null }> =>
  page
    .$eval('[data-testid="call-status"]', (status) => ({
      state: status.getAttribute('data-state'),
      outcome: status.getAttribute('data-outcome'),
    }))
    .catch(() => ({ state: null, outcome: null }));

export const waitFirefoxCallState = (page: Page, state: string, outcome?: string) =>
  eventually(
    `Firefox call window state ${state}${outcome ? `/${outcome}` : ''}`,
    () => firefoxCallState(page),
    (status) => status.state === state && (outcome === undefined || status.outcome === outcome),
  );

/** What the Firefox call window has received so far (two of the figures it publishes for tests). */
export const firefoxReceivedStats = (
  page: Page,
): Promise<Pick<ReceivedStats, 'framesDecoded' | 'audioEnergy'>> =>
  page.evaluate(() => {
    const hook = (
      globalThis as unknown as Record<
        string,
        { stats(): Promise<Pick<ReceivedStats, 'framesDecoded' | 'audioEnergy'>> } | undefined
      >
    ).__messengerCall;
    return hook ? hook.stats() : { framesDecoded: 0, audioEnergy: 0 };
  });
