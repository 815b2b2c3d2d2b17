import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { ENGINE_PAGES } from '../messaging/engine-port';
import { isOwnPage } from '../messaging/own-page';

/** The one runtime message: a page asks the background to make sure the engine runs. */
export const ENSURE_ENGINE = { type: 'engine:ensure' } as const;
const EnsureEngineSchema = v.strictObject({ type: v.literal(ENSURE_ENGINE.type) });

/** Answers ENSURE_ENGINE from the pages that drive the engine (the popup) once `ensure` resolves; ignores every other message. */
export function answerEnsureEngine(ensure: () => Promise<void>): void {
  browser.runtime.onMessage.addListener(
    (message: unknown, sender: Browser.runtime.MessageSender, sendResponse: (response: unknown) => void) => {
      if (!v.is(EnsureEngineSchema, message) || !isOwnPage(sender, ENGINE_PAGES)) return undefined;
      ensure().then(
        () => sendResponse({ ok: true }),
        (error: unknown) => sendResponse({ ok: false, error: String(error) }),
      );
      return true; // keeps the channel open for the asynchronous answer
    },
  );
}
