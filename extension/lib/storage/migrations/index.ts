import type { IDBPDatabase } from 'idb';
import type { MessengerDB } from '../schema';
import { migrate001 } from './001-settings';
import { migrate002 } from './002-identity';
import { migrate003 } from './003-contacts';
import { migrate004 } from './004-vault';

export type Migration = (db: IDBPDatabase<MessengerDB>) => void;

/** Migration N upgrades the database from version N-1 to N. Append only; never edit a shipped one. */
export const migrations: readonly Migration[] = [migrate001, migrate002, migrate003, migrate004];
