/**
 * The call window's address, and opening it: `call.html?peer=<user id>&media=audio|video` places a call (the
 * conversation's call buttons open it so), `call.html?call=<call id>` shows one that exists (an incoming call: the
 * engine's host opens it). Parsed with a schema: the window acts on nothing else.
 */
import { browser } from 'wxt/browser';
import * as v from 'valibot';
import { UserIdSchema, CallIdSchema, type CallId } from '../../../shared/ids';
import type { UserId } from '../../../shared/ids';
import { extensionUrl } from '../extension-url';
import { MediaKindSchema, type MediaKind } from '../../../shared/protocol/media-kind';

export const CALL_WINDOW_PATH = '/call.html';
/** Room for two videos side by side and the controls. */
export const CALL_WINDOW_SIZE = { width: 820, height: 640 } as const;

export type CallWindowParams =
  { readonly call: CallId } | { readonly peer: UserId; readonly media: MediaKind };

const ParamsSchema = v.union([
  v.strictObject({ call: CallIdSchema }),
  v.strictObject({ peer: UserIdSchema, media: MediaKindSchema }),
]);

export function callWindowQuery(params: CallWindowParams): string {
  return `?${new URLSearchParams(params).toString()}`;
}

/** The window's parameters, or undefined if the address names no call (the window then says so). */
export function parseCallWindowQuery(search: string): CallWindowParams | undefined {
  const parsed = v.safeParse(ParamsSchema, Object.fromEntries(new URLSearchParams(search)));
  return parsed.success ? parsed.output : undefined;
}

/**
 * Opens a call window here (Firefox's background page, the popup placing a call or answering one); gives its
 * window id.
 */
export async function openCallWindow(params: CallWindowParams): Promise<number | undefined> {
  const created = await browser.windows.create({
    url: extensionUrl(`${CALL_WINDOW_PATH}${callWindowQuery(params)}`),
    type: 'popup',
    ...CALL_WINDOW_SIZE,
  });
  return created?.id;
}
