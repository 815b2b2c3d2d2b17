import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { MessengerDB } from '../schema';
import { migrate001 } from './001-settings';
import { migrate002 } from './002-identity';
import { migrate003 } from './003-contacts';
import { migrate004 } from './004-vault';
import { migrate005 } from './005-message-order';

/** The upgrade's own transaction: a migration that rewrites data must do it there, before the database opens. */
export type UpgradeTransaction = IDBPTransaction<MessengerDB, StoreNames<MessengerDB>[], 'versionchange'>;

export type Migration = (db: IDBPDatabase<MessengerDB>, tx: UpgradeTransaction) => void;

/** Migration N upgrades the database from version N-1 to N. Append only; never edit a shipped one. */
export const migrations: readonly Migration[] = [migrate001, migrate002, migrate003, migrate004, migrate005];
