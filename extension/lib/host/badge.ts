import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { isOwnPage } from '../messaging/own-page';

/** The engine's page on Chrome (the offscreen document, which has only the runtime API): the only one that sets the badge. */
export const BADGE_PAGES: readonly string[] = ['/offscreen.html'];

/** The engine (offscreen document) asks the background to show a count. */
const BadgeMessageSchema = v.strictObject({
  type: v.literal('badge:set'),
  count: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

/** Shows `count` unread messages on the toolbar icon (nothing for zero). */
export async function setBadge(count: number): Promise<void> {
  // MV3 has `action`; Firefox's MV2 build has `browserAction`.
  const action = (browser.action as typeof browser.action | undefined) ?? browser.browserAction;
  await action.setBadgeText({ text: count === 0 ? '' : count > 99 ? '99+' : String(count) });
}

/** How long the engine's badge requests gather before one goes, in ms: a burst of messages is one request. */
export const BADGE_REQUEST_DELAY_MS = 100;

/**
 * From the offscreen document: asks the background to set the badge, at most once per BADGE_REQUEST_DELAY_MS and
 * only when the count differs from the last one asked (each request wakes the service worker).
 */
export function createBadgeRequester(
  send: (count: number) => Promise<unknown> = sendBadgeRequest,
): (count: number) => void {
  let wanted = 0;
  let asked: number | undefined; // unknown: a restarted engine may find an old count shown
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (count) => {
    wanted = count;
    timer ??= setTimeout(() => {
      timer = undefined;
      if (wanted === asked) return;
      asked = wanted;
      send(wanted).catch((error: unknown) =>
        console.warn('requestBadge: the background did not answer', error),
      );
    }, BADGE_REQUEST_DELAY_MS);
  };
}

function sendBadgeRequest(count: number): Promise<unknown> {
  return browser.runtime.sendMessage({ type: 'badge:set', count } satisfies v.InferOutput<
    typeof BadgeMessageSchema
  >);
}

/** In the background (Chrome): sets the badge when the engine asks. */
export function answerBadgeRequests(): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Browser.runtime.MessageSender) => {
    if (!v.is(BadgeMessageSchema, message) || !isOwnPage(sender, BADGE_PAGES)) return undefined;
    void setBadge(message.count);
    return undefined;
  });
}
