/**
 * File transfers in the vault: one sealed record per offered file and receiver, keyed by an HMAC of both. It holds
 * the file's key and hash, so a transfer can be accepted, resumed or refused after a restart. Not in a backup: the
 * files themselves are not either.
 */
import type { UserId } from '../../../shared/ids';
import { parse } from '../../../shared/validate';
import { TransferRecordSchema, type TransferRecord } from '../model';
import type { Records } from './records';

export interface TransferStore {
  all(): Promise<TransferRecord[]>;
  put(record: TransferRecord): Promise<void>;
  delete(messageId: string, peer: UserId): Promise<void>;
}

const PREFIX = 'transfer:';

export function createTransferStore(records: Records): TransferStore {
  const key = (messageId: string, peer: UserId): string => `${PREFIX}${records.tag(`${messageId}:${peer}`)}`;
  return {
    async all() {
      const found: TransferRecord[] = [];
      for (const stored of await records.list(PREFIX)) {
        const record = parse(TransferRecordSchema, stored);
        if (record.ok) found.push(record.value);
        else console.warn(`engine: a stored file transfer is unreadable (${record.message})`);
      }
      return found;
    },
    put: (record) => records.put(key(record.messageId, record.peer), record),
    delete: (messageId, peer) => records.delete(key(messageId, peer)),
  };
}
