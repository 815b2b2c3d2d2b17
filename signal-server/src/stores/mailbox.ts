import type { UserId } from '../../../shared/ids';
import type { MailItem } from '../../../shared/protocol/mailbox';

export interface MailboxLimits {
  /** How long an unfetched message is held, in ms. */
  readonly ttlMs: number;
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly maxFromOneSender: number;
}

/** Which limit a refused message would have passed. */
export type MailboxFull = 'messages' | 'bytes' | 'sender';

export type PutOutcome =
  | { readonly ok: true; readonly mailId: string; readonly expiresAt: number }
  | { readonly ok: false; readonly full: MailboxFull };

/**
 * Sealed messages held for their recipients until acknowledged or expired. A message is identified by
 * (recipient, sender, message id): sending it again returns the mail id it already has.
 */
export interface MailboxStore {
  /** Holds `item` (its mailId is used unless the message is already held) for `to`; `size` counts against the quota. */
  put(to: UserId, item: MailItem, size: number): Promise<PutOutcome>;
  /** The oldest unexpired messages for `to`, at most `limit`, in the order they were put. */
  fetch(to: UserId, limit: number, now: number): Promise<{ items: MailItem[]; more: boolean }>;
  /** Deletes the named messages of `to`; resolves how many there were. */
  ack(to: UserId, mailIds: readonly string[]): Promise<number>;
  /** Deletes every message past its time-to-live; resolves how many. */
  purgeExpired(now: number): Promise<number>;
}
