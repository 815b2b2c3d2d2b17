import type { Database } from './database';
import type { MailItem } from '../../../../shared/protocol/mailbox';
import type { MailboxLimits, MailboxStore, PutOutcome } from '../mailbox';

/** The mailbox in the embedded database: survives restarts; quotas checked and the message written in one transaction. */
export function createSqliteMailboxStore(db: Database, limits: MailboxLimits): MailboxStore {
  const existing = db.prepare<[string, string, string], { mail_id: string; expires_at: number }>(
    'SELECT mail_id, expires_at FROM mail WHERE recipient = ? AND sender = ? AND message_id = ?',
  );
  const usage = db.prepare<[string, string], { messages: number; bytes: number; fromSender: number }>(
    `SELECT count(*) AS messages, coalesce(sum(size), 0) AS bytes,
            coalesce(sum(sender = ?), 0) AS fromSender FROM mail WHERE recipient = ?`,
  );
  const insert = db.prepare<[string, string, string, string, string, number, number]>(
    `INSERT INTO mail (mail_id, recipient, sender, message_id, item, size, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const oldest = db.prepare<[string, number, number], { item: string }>(
    'SELECT item FROM mail WHERE recipient = ? AND expires_at > ? ORDER BY seq LIMIT ?',
  );
  const remove = db.prepare<[string, string]>('DELETE FROM mail WHERE recipient = ? AND mail_id = ?');
  const purge = db.prepare<[number]>('DELETE FROM mail WHERE expires_at <= ?');

  const put = db.transaction((to: string, item: MailItem, size: number): PutOutcome => {
    const held = existing.get(to, item.from, item.id);
    if (held) return { ok: true, mailId: held.mail_id, expiresAt: held.expires_at };
    const used = usage.get(item.from, to) ?? { messages: 0, bytes: 0, fromSender: 0 };
    if (used.messages >= limits.maxMessages) return { ok: false, full: 'messages' };
    if (used.bytes + size > limits.maxBytes) return { ok: false, full: 'bytes' };
    if (used.fromSender >= limits.maxFromOneSender) return { ok: false, full: 'sender' };
    const expiresAt = item.storedAt + limits.ttlMs;
    insert.run(item.mailId, to, item.from, item.id, JSON.stringify(item), size, expiresAt);
    return { ok: true, mailId: item.mailId, expiresAt };
  });
  const ack = db.transaction((to: string, mailIds: readonly string[]) =>
    mailIds.reduce((deleted, mailId) => deleted + remove.run(to, mailId).changes, 0),
  );

  return {
    async put(to, item, size) {
      return put(to, item, size);
    },
    async fetch(to, limit, now) {
      // Written by put() from a validated item: read back as what it was.
      const rows = oldest.all(to, now, limit + 1).map((row) => JSON.parse(row.item) as MailItem);
      return { items: rows.slice(0, limit), more: rows.length > limit };
    },
    async ack(to, mailIds) {
      return ack(to, mailIds);
    },
    async purgeExpired(now) {
      return purge.run(now).changes;
    },
  };
}
