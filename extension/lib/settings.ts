import * as v from 'valibot';
import {
  MAX_AUTO_LOCK_MINUTES,
  MAX_PASSPHRASE_LENGTH,
  MAX_URL_LENGTH,
  MIN_PASSPHRASE_LENGTH,
} from '../../shared/limits';
import { isLoopbackHostname } from '../../shared/loopback';
import { DisplayNameSchema } from '../../shared/names';

export const DEFAULT_SERVER_URL = 'http://localhost:3000';

/** An http(s) URL with no credentials, as settings stored by older versions may hold it (any plain http). */
const StoredServerUrlSchema = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`),
  v.url('must be a URL such as https://signal.example.org'),
  v.check(isPlainHttpUrl, 'must start with http:// or https:// and hold no user name or password'),
);

/**
 * The server URL a user may choose: https://, or plain http:// to this computer only (localhost,
 * 127.0.0.0/8, [::1]). Over plain http anyone on the way could read who talks to whom and swap the keys the
 * server hands out.
 */
export const ServerUrlSchema = v.pipe(
  StoredServerUrlSchema,
  v.check(
    isSecureOrLocal,
    'must start with https:// (plain http:// only reaches this computer: localhost, 127.0.0.1, [::1]). ' +
      'Over http:// anyone on the network could read and change what the server says; ' +
      'use its https:// address',
  ),
);

// Valibot runs this check even when `v.url` already failed, so it must not throw on non-URLs.
function isPlainHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
}

function isSecureOrLocal(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return url.protocol === 'https:' || isLoopbackHostname(url.hostname);
}

export const NotificationModeSchema = v.picklist(['off', 'without-content', 'with-content']);
export type NotificationMode = v.InferOutput<typeof NotificationModeSchema>;
export const DEFAULT_NOTIFICATION_MODE: NotificationMode = 'without-content';

export const SettingsInputSchema = v.strictObject({
  name: DisplayNameSchema,
  serverUrl: ServerUrlSchema,
  /** Lock after this many minutes without the popup being used; 0 never locks by itself. */
  autoLockMinutes: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(0),
      v.maxValue(MAX_AUTO_LOCK_MINUTES, `must be at most ${MAX_AUTO_LOCK_MINUTES}`),
    ),
    0,
  ),
  /**
   * Tell senders when their messages were read (✓✓ Read); unset means yes. Delivery receipts always go: the
   * delivery protocol needs them.
   */
  sendReadReceipts: v.optional(v.boolean()),
  /** Appear offline: contacts are not told when this profile is online (it still sees theirs). */
  appearOffline: v.optional(v.boolean()),
  /** Accept pictures from contacts up to MAX_AUTO_ACCEPT_IMAGE_BYTES without asking; unset means no. */
  autoAcceptImages: v.optional(v.boolean()),
  /**
   * Desktop notifications for messages that arrive while no popup is open: none, "New message" only, or the
   * sender and the text. Unset means without content: a notification on screen is read by anyone near it.
   */
  notifications: v.optional(NotificationModeSchema),
  /** Tell contacts on a direct link when this profile is typing (never stored, never relayed); unset means yes. */
  typingIndicators: v.optional(v.boolean()),
});
export type SettingsInput = v.InferOutput<typeof SettingsInputSchema>;

// Settings stored by version 1 also held a random user id; it now derives from the identity key and is ignored.
// A plain http:// URL stored (or backed up) before https was required still loads: the user sees it and changes it.
export const SettingsSchema = v.object({
  ...SettingsInputSchema.entries,
  serverUrl: StoredServerUrlSchema,
  /**
   * This profile released its name, or deleted its account, on the server: it does not sign in (with a name that
   * is no longer its own) until the user saves Settings again. Never sent by a page: set by the engine only.
   */
  signedOut: v.optional(v.literal(true)),
});
export type Settings = v.InferOutput<typeof SettingsSchema>;

/** The passphrase that protects the stored history and keys (and, separately, a backup file). */
export const PassphraseSchema = v.pipe(
  v.string(),
  v.minLength(MIN_PASSPHRASE_LENGTH, `must be at least ${MIN_PASSPHRASE_LENGTH} characters`),
  v.maxLength(MAX_PASSPHRASE_LENGTH, `must be at most ${MAX_PASSPHRASE_LENGTH} characters`),
);
