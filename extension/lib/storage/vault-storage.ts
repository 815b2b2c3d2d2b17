/**
 * Opens the engine's storage behind the vault: nothing that holds content or keys can be read before the
 * passphrase is given. Creating the vault seals whatever versions 1–3 kept in the clear, then erases it.
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import * as v from 'valibot';
import { ErrorCode } from '../../../shared/errors';
import { parse } from '../../../shared/validate';
import { IdentityKeysSchema, createIdentityKeys, type IdentityKeys } from '../crypto/identity';
import { EngineError } from '../errors';
import type { VaultStatus as ProfileStatus } from '../model';
import { SettingsSchema } from '../settings';
import type { VaultContent } from '../vault/backup';
import { DEFAULT_KDF, type KdfParams } from '../vault/kdf';
import { createVault, rewrapVault, unlockVault, type VaultKeys } from '../vault/vault';
import { contactRecordKey, createContactStore } from './contact-store';
import {
  CHANGES_INDEXED_KEY,
  changeRecords,
  createHistoryStore,
  messageKey,
  storedMessage,
  type HistoryStore,
} from './history-store';
import { createOutboxStore, type OutboxStore } from './outbox-store';
import { createRecords, sealRecord, tagOf } from './records';
import { createLocalRoomStore, type LocalRoomStore } from './room-store';
import type { MessengerDB } from './schema';
import { createWrites } from './writes';
import { createSessionStore } from './session-store';
import type { ContactBookStore, ContactStore, SessionStore } from './stores';
import { contactBookKey, createContactBookStore } from './contact-book-store';
import { createSettingsStore, type SettingsStore } from './settings-store';
import { OWN_PROFILE_KEY, createProfileStore, peerProfileKey, type ProfileStore } from './profile-store';
import { createTransferStore, type TransferStore } from './transfer-store';

export interface UnlockedVault {
  readonly identity: IdentityKeys;
  readonly settings: SettingsStore;
  /** Key pins by name (trust on first sight). */
  readonly contacts: ContactStore;
  readonly book: ContactBookStore;
  readonly sessions: SessionStore;
  readonly history: HistoryStore;
  /** Messages not yet confirmed delivered. Not in a backup: a restored profile has other sessions. */
  readonly outbox: OutboxStore;
  readonly rooms: LocalRoomStore;
  /** Our own profile and contacts' (their keys, and what those opened). */
  readonly profiles: ProfileStore;
  /** File transfers (their keys and states). Not in a backup: the files are not either. */
  readonly transfers: TransferStore;
  exportContent(): Promise<VaultContent>;
  /** Replaces everything with `content`, in one transaction; ratchet sessions and prekeys start over. */
  restore(content: VaultContent): Promise<UnlockedVault>;
}

/** What storage can say of a vault: it is only ever unlocked in memory. */
export type VaultStatus = Exclude<ProfileStatus, 'unlocked'>;

export interface VaultStorage {
  status(): Promise<VaultStatus>;
  /** Sets the passphrase on a new vault (sealing any plaintext left by versions 1–3). */
  create(passphrase: string): Promise<UnlockedVault>;
  /** Throws EngineError `wrong-passphrase` for a wrong passphrase. */
  unlock(passphrase: string): Promise<UnlockedVault>;
  /** Wraps the data key under `next` (the records stay as they are); `wrong-passphrase` if `current` is wrong. */
  changePassphrase(current: string, next: string): Promise<void>;
}

const LegacyContactSchema = v.object({ name: v.string(), userId: v.string(), signingKey: v.string() });
const SEALED_STORES = ['records', 'messages'] as const;

export function createVaultStorage(
  database: Promise<IDBPDatabase<MessengerDB>>,
  kdf: KdfParams = DEFAULT_KDF,
): VaultStorage {
  async function opened(db: IDBPDatabase<MessengerDB>, keys: VaultKeys): Promise<UnlockedVault> {
    const writes = createWrites(db);
    const records = createRecords(db, writes, keys);
    const identity = parse(IdentityKeysSchema, await records.get('identity'));
    if (!identity.ok) throw new Error(`The stored identity is unreadable (${identity.message})`);
    const settings = createSettingsStore(records);
    const contacts = createContactStore(records);
    const book = createContactBookStore(records);
    const profiles = createProfileStore(records);
    const history = createHistoryStore(db, writes, keys);
    return {
      identity: identity.value,
      settings,
      contacts,
      book,
      sessions: createSessionStore(records),
      outbox: createOutboxStore(records),
      rooms: createLocalRoomStore(records),
      profiles,
      transfers: createTransferStore(records),
      history,
      async exportContent() {
        const [stored, pinned, chosen, messages, own, peerProfiles] = await Promise.all([
          settings.load(),
          contacts.all(),
          book.all(),
          history.all(),
          profiles.own(),
          profiles.peers(),
        ]);
        return {
          identity: identity.value,
          ...(stored ? { settings: stored } : {}),
          contacts: pinned,
          book: chosen,
          messages,
          ...(own ? { profile: own } : {}),
          peerProfiles,
        };
      },
      async restore(content) {
        await writes.flush(); // nothing of the old state may land after the restore
        const tx = db.transaction(SEALED_STORES, 'readwrite');
        await Promise.all(SEALED_STORES.map((store) => tx.objectStore(store).clear()));
        writeContent(tx, keys, content);
        await tx.done;
        return opened(db, keys);
      },
    };
  }

  return {
    async status() {
      return (await (await database).get('vault', 'header')) ? 'locked' : 'new';
    },
    async create(passphrase) {
      const db = await database;
      const { header, keys } = await createVault(passphrase, kdf);
      const tx = db.transaction(['vault', 'settings', 'identity', 'contacts', ...SEALED_STORES], 'readwrite');
      if (await tx.objectStore('vault').get('header')) {
        tx.abort();
        await tx.done.catch(() => undefined); // the abort is ours
        throw new EngineError(ErrorCode.InvalidPayload, 'A passphrase is already set: unlock instead');
      }
      const legacyIdentity = parse(IdentityKeysSchema, await tx.objectStore('identity').get('keys'));
      const legacySettings = parse(SettingsSchema, await tx.objectStore('settings').get('settings'));
      const legacyContacts = (await tx.objectStore('contacts').getAll()).filter((contact) =>
        v.is(LegacyContactSchema, contact),
      );
      writeContent(tx, keys, {
        identity: legacyIdentity.ok ? legacyIdentity.value : createIdentityKeys(),
        ...(legacySettings.ok ? { settings: legacySettings.value } : {}),
        contacts: legacyContacts,
        messages: [],
      });
      await Promise.all(
        (['settings', 'identity', 'contacts'] as const).map((store) => tx.objectStore(store).clear()),
      );
      await tx.objectStore('vault').put(header, 'header');
      await tx.done;
      return opened(db, keys);
    },
    async unlock(passphrase) {
      const db = await database;
      const header = await db.get('vault', 'header');
      if (!header) throw new EngineError(ErrorCode.InvalidPayload, 'No passphrase is set yet');
      return opened(db, await unlockVault(header, passphrase));
    },
    async changePassphrase(current, next) {
      const db = await database;
      const header = await db.get('vault', 'header');
      if (!header) throw new EngineError(ErrorCode.InvalidPayload, 'No passphrase is set yet');
      // scrypt takes a second: no transaction can stay open across it, so the header is compared before writing.
      const rewrapped = await rewrapVault(header, current, next, kdf);
      const tx = db.transaction('vault', 'readwrite');
      const now = await tx.store.get('header');
      if (now?.salt.join() !== header.salt.join()) {
        tx.abort();
        await tx.done.catch(() => undefined); // the abort is ours
        throw new EngineError(ErrorCode.InvalidPayload, 'The passphrase was changed meanwhile: try again');
      }
      await tx.store.put(rewrapped, 'header');
      await tx.done;
    },
  };
}

/** Seals `content` into the records and messages stores of `tx` (which must be open for writing). */
function writeContent<S extends StoreNames<MessengerDB>[]>(
  tx: IDBPTransaction<MessengerDB, S, 'readwrite'>,
  keys: VaultKeys,
  content: VaultContent,
): void {
  const records = tx.objectStore('records');
  const put = (key: string, value: unknown): void => void records.put(sealRecord(keys, key, value), key);
  put('identity', content.identity);
  if (content.settings) put('settings', content.settings);
  const tag = (text: string): string => tagOf(keys, text);
  for (const contact of content.contacts) put(contactRecordKey(tag, contact), contact);
  for (const contact of content.book ?? []) put(contactBookKey(tag, contact.userId), contact);
  if (content.profile) put(OWN_PROFILE_KEY, content.profile);
  for (const peer of content.peerProfiles ?? []) put(peerProfileKey(tag, peer.userId), peer);
  const messages = tx.objectStore('messages');
  // A backup lists each conversation in its order: each message takes the next place in its own conversation.
  const places = new Map<string, number>();
  for (const message of content.messages) {
    const key = messageKey(keys, message);
    const seq = places.get(message.peerId) ?? 0;
    places.set(message.peerId, seq + 1);
    void messages.put(storedMessage(keys, key, message, seq), key);
    for (const change of changeRecords(keys, message)) void records.put(change.sealed, change.key);
  }
  put(CHANGES_INDEXED_KEY, true); // every change just written has its record
}
