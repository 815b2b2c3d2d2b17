/**
 * Where a page meets the engine: the name of the runtime Port it opens, and the frame that asks for a direct
 * channel beside it (channels.ts). Apart from protocol.ts, whose request schemas only the engine's side builds: a
 * page that connects loads these few lines, not every request's schema.
 */
import * as v from 'valibot';

export const ENGINE_PORT = 'engine';

/**
 * The pages that drive the engine: the popup (also opened in a tab to greet a new user), the share window, the call
 * window and the options page.
 */
export const ENGINE_PAGES: readonly string[] = ['/popup.html', '/share.html', '/call.html', '/options.html'];

/** The first frame of a page that asks for a direct channel: its MessagePort comes to the engine's window. */
export type PortChannel = { readonly kind: 'channel'; readonly token: string };
export const CHANNEL_TOKEN_LENGTH = 32; // hex digits
export const PortChannelSchema = v.strictObject({
  kind: v.literal('channel'),
  token: v.pipe(v.string(), v.regex(new RegExp(`^[0-9a-f]{${CHANNEL_TOKEN_LENGTH}}$`))),
});
