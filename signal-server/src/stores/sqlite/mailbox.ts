import type { Database } from './database';
import { MailItemSchema, type MailItem } from '../../../../shared/protocol/mailbox';
import { pageOf, type MailboxFull, type MailboxLimits, type MailboxStore, type PutOutcome } from '../mailbox';
import { readStored, warnUnreadable, type ReportUnreadable } from '../stored';

/** Everyone's row in mail_usage (kept by triggers on mail, see the migrations). */
const EVERYONE = '';

/**
 * The mailbox in the embedded database: survives restarts; quotas checked and the message written in one
 * transaction. A held message that does not parse is reported and left out of fetches.
 */
export function createSqliteMailboxStore(
  db: Database,
  limits: MailboxLimits,
  report: ReportUnreadable = warnUnreadable,
): MailboxStore {
  const existing = db.prepare<[string, string, string], { mail_id: string; expires_at: number }>(
    'SELECT mail_id, expires_at FROM mail WHERE recipient = ? AND sender = ? AND message_id = ?',
  );
  const usage = db.prepare<[string, string], { messages: number; bytes: number; fromSender: number }>(
    `SELECT count(*) AS messages, coalesce(sum(size), 0) AS bytes,
            coalesce(sum(sender = ?), 0) AS fromSender FROM mail WHERE recipient = ?`,
  );
  const heldBy = db.prepare<[string], { messages: number; bytes: number }>(
    'SELECT messages, bytes FROM mail_usage WHERE sender = ?',
  );
  const insert = db.prepare<[string, string, string, string, string, number, number]>(
    `INSERT INTO mail (mail_id, recipient, sender, message_id, item, size, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const oldest = db.prepare<[string, number, number], { mail_id: string; item: string; size: number }>(
    'SELECT mail_id, item, size FROM mail WHERE recipient = ? AND expires_at > ? ORDER BY seq LIMIT ?',
  );
  const remove = db.prepare<[string, string]>('DELETE FROM mail WHERE recipient = ? AND mail_id = ?');
  const purge = db.prepare<[number]>('DELETE FROM mail WHERE expires_at <= ?');
  const dropTo = db.prepare<[string]>('DELETE FROM mail WHERE recipient = ?');
  const dropFrom = db.prepare<[string]>('DELETE FROM mail WHERE sender = ?');
  // The triggers drop a sender's usage with their last message; a row left by a count gone wrong goes too.
  const dropUsage = db.prepare<[string]>('DELETE FROM mail_usage WHERE sender = ?');

  const refusal = (to: string, item: MailItem, size: number, isNew: boolean): MailboxFull | undefined => {
    const used = usage.get(item.from, to) ?? { messages: 0, bytes: 0, fromSender: 0 };
    if (used.messages >= limits.maxMessages) return 'messages';
    if (used.bytes + size > limits.maxBytes) return 'bytes';
    if (used.fromSender >= limits.maxFromOneSender) return 'sender';
    const sender = heldBy.get(item.from) ?? { messages: 0, bytes: 0 };
    const { newSender } = limits;
    if (isNew && (sender.messages >= newSender.maxMessages || sender.bytes + size > newSender.maxBytes))
      return 'new-sender';
    if (sender.bytes + size > limits.maxBytesFromSender) return 'sender-bytes';
    if ((heldBy.get(EVERYONE)?.bytes ?? 0) + size > limits.maxTotalBytes) return 'total';
    return undefined;
  };
  const put = db.transaction((to: string, item: MailItem, size: number, isNew: boolean): PutOutcome => {
    const held = existing.get(to, item.from, item.id);
    if (held) return { ok: true, mailId: held.mail_id, expiresAt: held.expires_at };
    const full = refusal(to, item, size, isNew);
    if (full) return { ok: false, full };
    const expiresAt = item.storedAt + limits.ttlMs;
    insert.run(item.mailId, to, item.from, item.id, JSON.stringify(item), size, expiresAt);
    return { ok: true, mailId: item.mailId, expiresAt };
  });
  const ack = db.transaction((to: string, mailIds: readonly string[]) =>
    mailIds.reduce((deleted, mailId) => deleted + remove.run(to, mailId).changes, 0),
  );

  const forget = db.transaction((userId: string) => {
    const forgotten = dropTo.run(userId).changes + dropFrom.run(userId).changes;
    dropUsage.run(userId);
    return forgotten;
  });

  return {
    async put(to, item, size, { isNew }) {
      return put(to, item, size, isNew);
    },
    async fetch(to, page, now) {
      const rows = oldest.all(to, now, page.maxItems + 1).flatMap((row) => {
        const item = readStored(MailItemSchema, `mail.item of ${row.mail_id}`, row.item, report);
        return item ? [{ item, size: row.size }] : [];
      });
      return pageOf(rows, page);
    },
    async ack(to, mailIds) {
      return ack(to, mailIds);
    },
    async purgeExpired(now) {
      return purge.run(now).changes;
    },
    async forget(userId) {
      return forget(userId);
    },
  };
}
