import type { UserId } from '../../../shared/ids';
import type { MailItem } from '../../../shared/protocol/mailbox';

export interface MailboxLimits {
  /** How long an unfetched message is held, in ms. */
  readonly ttlMs: number;
  /** Per recipient: messages, bytes, and messages from any one sender. */
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly maxFromOneSender: number;
  /** Bytes of one sender's messages held at once, all recipients together. */
  readonly maxBytesFromSender: number;
  /** A sender whose key was first seen less than `ageMs` ago is new: messages and bytes held at once, all recipients. */
  readonly newSender: { readonly ageMs: number; readonly maxMessages: number; readonly maxBytes: number };
  /** Bytes the whole mailbox holds, all users together. */
  readonly maxTotalBytes: number;
}

/**
 * Which limit a refused message would have passed: the recipient's (messages, bytes, their share for one sender),
 * the sender's (as a new sender, or overall), or the server's.
 */
export type MailboxFull = 'messages' | 'bytes' | 'sender' | 'new-sender' | 'sender-bytes' | 'total';

export type PutOutcome =
  | { readonly ok: true; readonly mailId: string; readonly expiresAt: number }
  | { readonly ok: false; readonly full: MailboxFull };

/** The most one fetch returns: messages, and bytes (counted as at put; one larger message still comes alone). */
export interface MailPage {
  readonly maxItems: number;
  readonly maxBytes: number;
}

/**
 * Sealed messages held for their recipients until acknowledged or expired. A message is identified by
 * (recipient, sender, message id): sending it again returns the mail id it already has.
 */
export interface MailboxStore {
  /**
   * Holds `item` (its mailId is used unless the message is already held) for `to`; `size` counts against the
   * quotas, the smaller ones for the sender if `newSender`. Checked and written atomically.
   */
  put(to: UserId, item: MailItem, size: number, sender: { readonly isNew: boolean }): Promise<PutOutcome>;
  /** The oldest unexpired messages for `to`, in the order they were put, as many as fit in `page`. */
  fetch(to: UserId, page: MailPage, now: number): Promise<{ items: MailItem[]; more: boolean }>;
  /** Deletes the named messages of `to`; resolves how many there were. */
  ack(to: UserId, mailIds: readonly string[]): Promise<number>;
  /** Deletes every message past its time-to-live; resolves how many. */
  purgeExpired(now: number): Promise<number>;
  /**
   * Forgets the user's mail: every message held for them, every message of theirs held for others, and the
   * counts kept of either (their quotas); resolves how many messages went.
   */
  forget(userId: UserId): Promise<number>;
}

/** The first items of `sized` (oldest first) within `page`: always at least one, so a large message still goes. */
export function pageOf<T>(
  sized: readonly { item: T; size: number }[],
  page: MailPage,
): { items: T[]; more: boolean } {
  let bytes = 0;
  let count = 0;
  for (const { size } of sized) {
    if (count === page.maxItems || (count > 0 && bytes + size > page.maxBytes)) break;
    bytes += size;
    count += 1;
  }
  return { items: sized.slice(0, count).map(({ item }) => item), more: sized.length > count };
}
