/**
 * The conversation the popup showed when it last closed: the popup opens on it again, as a messenger reopens where
 * it was left, with its back button to the list. Kept in browser.storage.session (in memory, extension pages only,
 * gone when the browser closes): the list comes first after a restart, and nothing about it is written to disk.
 */
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { ConversationIdSchema, type ConversationId } from '../../../shared/ids';

/** Its key in browser.storage.session. */
export const LAST_CONVERSATION_KEY = 'lastConversation';

let last: ConversationId | undefined;
/** Set once the read is done (or once a conversation was noted here, which is newer than anything read). */
let known = false;
let reading: Promise<void> | undefined;

/** Browsers without the session area (older Firefox), and pages without the extension API, open on the list. */
const sessionArea = () => (browser as Partial<typeof browser> | undefined)?.storage?.session;

/**
 * Reads it, once per page: started as the popup's script starts, beside everything else; the screen that needs it
 * waits for it only if it is not in yet. Never rejects.
 */
export function loadLastConversation(): Promise<void> {
  reading ??= (async () => {
    try {
      const stored = await sessionArea()?.get(LAST_CONVERSATION_KEY);
      const parsed = v.safeParse(ConversationIdSchema, stored?.[LAST_CONVERSATION_KEY]);
      // A conversation noted meanwhile is newer than what was read.
      if (!known) last = parsed.success ? parsed.output : undefined;
    } catch (error) {
      console.warn('popup: the last conversation shown could not be read', error);
    }
    known = true;
  })();
  return reading;
}

/** Whether lastConversation() can be asked yet. */
export const lastConversationKnown = (): boolean => known;

/** The conversation to open on, if one was open when the popup last closed. */
export const lastConversation = (): ConversationId | undefined => last;

/**
 * The conversation shown now (undefined: the list or another screen). Noted as the user goes there, so that a
 * popup closed right after is opened there again.
 */
export function rememberConversation(conversation: ConversationId | undefined): void {
  const changed = conversation !== last || !known;
  last = conversation;
  known = true;
  if (!changed) return;
  const area = sessionArea();
  const saved =
    conversation === undefined
      ? area?.remove(LAST_CONVERSATION_KEY)
      : area?.set({ [LAST_CONVERSATION_KEY]: conversation });
  saved?.catch((error: unknown) => console.warn('popup: the conversation shown could not be kept', error));
}
