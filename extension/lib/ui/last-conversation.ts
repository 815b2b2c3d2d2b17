/**
 * The conversation the popup showed when it last closed: the popup opens on it again, as a messenger reopens where
 * it was left, with its back button to the list. Kept in browser.storage.session (in memory, extension pages only,
 * gone when the browser closes): the list comes first after a restart, and nothing about it is written to disk.
 */
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { ConversationIdSchema, type ConversationId } from '../model';

const KEY = 'lastConversation';

let last: ConversationId | undefined;

/** Browsers without the session area (older Firefox), and pages without the extension API, open on the list. */
const sessionArea = () => (browser as Partial<typeof browser> | undefined)?.storage?.session;

/** Reads it once, before the popup's first render; never rejects. */
export async function loadLastConversation(): Promise<void> {
  try {
    const stored = await sessionArea()?.get(KEY);
    const parsed = v.safeParse(ConversationIdSchema, stored?.[KEY]);
    last = parsed.success ? parsed.output : undefined;
  } catch (error) {
    console.warn('popup: the last conversation shown could not be read', error);
  }
}

/** The conversation to open on, if one was open when the popup last closed. */
export const lastConversation = (): ConversationId | undefined => last;

/** The conversation shown now (undefined: the list or another screen). */
export function rememberConversation(conversation: ConversationId | undefined): void {
  if (conversation === last) return;
  last = conversation;
  const area = sessionArea();
  const saved = conversation === undefined ? area?.remove(KEY) : area?.set({ [KEY]: conversation });
  saved?.catch((error: unknown) => console.warn('popup: the conversation shown could not be kept', error));
}
