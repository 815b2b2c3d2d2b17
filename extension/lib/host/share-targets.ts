/**
 * Keeps the context menu's targets current. The engine host watches its own state and reports the targets when
 * they change; on Chrome the report is a runtime message from the offscreen document to the background's worker
 * (validated, and only from that document), on Firefox the background page hosts both and calls directly.
 */
import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { MAX_NAME_LENGTH } from '../../../shared/limits';
import type { EngineListener } from '../engine/view';
import type { EngineResponses, ShareTarget } from '../messaging/protocol';
import { isOwnPage } from '../messaging/own-page';
import { MAX_MENU_TARGETS } from '../share/menu-items';
import { ConversationIdSchema } from '../../../shared/ids';

/** The engine's page on Chrome: the only one that may tell the background the targets. */
export const TARGETS_PAGES: readonly string[] = ['/offscreen.html'];

/** How long a burst of engine events gathers before the targets are read again, in ms. */
export const TARGETS_DELAY_MS = 200;

const ShareTargetsMessageSchema = v.strictObject({
  type: v.literal('share-targets:set'),
  targets: v.pipe(
    v.array(
      v.strictObject({
        id: ConversationIdSchema,
        // Names are the engine's (a contact's alias or name, a room's name): bounded, never parsed further.
        name: v.pipe(v.string(), v.maxLength(4 * MAX_NAME_LENGTH)),
        kind: v.picklist(['contact', 'room']),
      }),
    ),
    v.maxLength(MAX_MENU_TARGETS),
  ),
});
type ShareTargetsMessage = v.InferOutput<typeof ShareTargetsMessageSchema>;

/** What the watcher needs of the engine. */
export interface TargetsSource {
  subscribe(listener: EngineListener): () => void;
  getShareTargets(params: Record<string, never>): Promise<EngineResponses['getShareTargets']>;
}

/**
 * Reports the engine's share targets (the first MAX_MENU_TARGETS) now and whenever they change: after state or
 * message events (a message moves its conversation to the top), gathered over TARGETS_DELAY_MS, and only when
 * they differ from the last report that went through.
 */
export function watchShareTargets(
  engine: TargetsSource,
  report: (targets: readonly ShareTarget[]) => Promise<unknown>,
): () => void {
  let reported: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = async (): Promise<void> => {
    const { targets } = await engine.getShareTargets({});
    const listed = targets.slice(0, MAX_MENU_TARGETS).map(({ id, name, kind }) => ({ id, name, kind }));
    const key = JSON.stringify(listed);
    if (key === reported) return;
    reported = key;
    try {
      await report(listed);
    } catch (error) {
      reported = undefined; // not through: the next change tries again
      throw error;
    }
  };
  const schedule = (): void => {
    timer ??= setTimeout(() => {
      timer = undefined;
      check().catch((error: unknown) => console.warn('watchShareTargets: the menu was not updated', error));
    }, TARGETS_DELAY_MS);
  };
  const unsubscribe = engine.subscribe((name) => {
    if (name === 'state' || name === 'message') schedule();
  });
  schedule();
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}

/** From Chrome's offscreen document: tells the background's worker the targets (which wakes it). */
export function sendShareTargets(targets: readonly ShareTarget[]): Promise<unknown> {
  return browser.runtime.sendMessage({
    type: 'share-targets:set',
    targets: [...targets],
  } satisfies ShareTargetsMessage);
}

/** In Chrome's background: calls `listener` with the targets the engine's offscreen document reports. */
export function answerShareTargets(listener: (targets: readonly ShareTarget[]) => void): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Browser.runtime.MessageSender) => {
    if (!isOwnPage(sender, TARGETS_PAGES)) return undefined;
    const parsed = v.safeParse(ShareTargetsMessageSchema, message);
    if (parsed.success) listener(parsed.output.targets);
    return undefined;
  });
}
