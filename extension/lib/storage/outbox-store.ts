import type { UserId } from '../../../shared/ids';
import type { OutgoingContent } from '../../../shared/protocol/content';
import type { Records } from './records';

/** A message not yet confirmed delivered: its content (the record is sealed in the vault), not its ciphertext. */
export interface OutboxEntry {
  readonly peerId: UserId;
  /** A message, or an edit or delete of one. */
  readonly content: OutgoingContent;
  /** Order of queuing, per engine: messages to one contact leave in this order. */
  readonly seq: number;
  /** The server's mailbox holds it: it will reach the recipient without us. */
  readonly relayed?: boolean;
}

/** The persistent outbox: sealed records, so nothing typed is lost to a restart, a crash or a lock. */
export interface OutboxStore {
  all(): Promise<OutboxEntry[]>;
  put(entry: OutboxEntry): Promise<void>;
  /** Soon, not now: an entry a crash brings back is sent again, and the receiver drops the copy. */
  remove(peerId: UserId, id: string): Promise<void>;
}

export function createOutboxStore(records: Records): OutboxStore {
  const keyOf = (peerId: UserId, id: string): string => `outbox:${records.tag(`${peerId}/${id}`)}`;
  return {
    async all() {
      // Sealed by put() under the vault key for each record's key: one that opens is what this store wrote.
      const entries = (await records.list('outbox:')) as OutboxEntry[];
      return entries.sort((a, b) => a.seq - b.seq);
    },
    put(entry) {
      return records.put(keyOf(entry.peerId, entry.content.id), entry);
    },
    remove(peerId, id) {
      return records.delete(keyOf(peerId, id), 'soon');
    },
  };
}
