/**
 * The backup file: identity, settings, contacts and history as one JSON document, sealed under a key derived
 * from a passphrase (the same scrypt as the vault, with its own salt). Everything in it is validated on import.
 */
import nacl from 'tweetnacl';
import * as v from 'valibot';
import { bytesSchema, decodeBytes, encodeBytes } from '../../../shared/crypto/identity';
import { ErrorCode } from '../../../shared/errors';
import { UserIdSchema } from '../../../shared/ids';
import { MAX_BACKUP_BYTES } from '../../../shared/limits';
import { parse } from '../../../shared/validate';
import { IdentityKeysSchema, type IdentityKeys } from '../crypto/identity';
import { EngineError } from '../errors';
import {
  ChatMessageSchema,
  ContactRecordSchema,
  OwnProfileRecordSchema,
  PeerProfileRecordSchema,
  type ChatMessage,
  type ContactRecord,
  type OwnProfileRecord,
  type PeerProfileRecord,
  type PinnedContact,
} from '../model';
import { SettingsSchema, type Settings } from '../settings';
import { DEFAULT_KDF, KdfParamsSchema, SALT_LENGTH, deriveKey, type KdfParams } from './kdf';
import { SealError, open, seal } from './seal';

export const BACKUP_FORMAT = 'toolbar-messenger-backup';
const PURPOSE = 'backup v1';

const BackupFileSchema = v.strictObject({
  format: v.literal(BACKUP_FORMAT),
  v: v.literal(1),
  kdf: KdfParamsSchema,
  salt: bytesSchema(SALT_LENGTH),
  nonce: bytesSchema(nacl.secretbox.nonceLength),
  box: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding')),
});

const VaultContentSchema = v.strictObject({
  identity: IdentityKeysSchema,
  settings: v.optional(SettingsSchema),
  contacts: v.array(v.strictObject({ name: v.string(), userId: UserIdSchema, signingKey: v.string() })),
  /** Absent from backups made before contacts were chosen. */
  book: v.optional(v.array(ContactRecordSchema)),
  messages: v.array(ChatMessageSchema),
  /** Absent from backups made before profiles. */
  profile: v.optional(OwnProfileRecordSchema),
  peerProfiles: v.optional(v.array(PeerProfileRecordSchema)),
});

/** What a backup carries: who the user is and what they said. Sessions and prekeys are left out on purpose. */
export interface VaultContent {
  readonly identity: IdentityKeys;
  readonly settings?: Settings;
  readonly contacts: readonly PinnedContact[];
  readonly book?: readonly ContactRecord[];
  readonly messages: readonly ChatMessage[];
  /** Our own profile, with its key (the server keeps only its ciphertext). */
  readonly profile?: OwnProfileRecord;
  /** Contacts' profile keys and what they opened. */
  readonly peerProfiles?: readonly PeerProfileRecord[];
}

export async function encryptBackup(
  content: VaultContent,
  passphrase: string,
  kdf: KdfParams = DEFAULT_KDF,
): Promise<string> {
  const salt = nacl.randomBytes(SALT_LENGTH);
  const sealed = seal(await deriveKey(passphrase, salt, kdf), PURPOSE, content);
  return JSON.stringify({
    format: BACKUP_FORMAT,
    v: 1,
    kdf,
    salt: encodeBytes(salt),
    nonce: encodeBytes(sealed.nonce),
    box: encodeBytes(sealed.box),
  });
}

/** The backup's content; a clear EngineError for a file that is not a backup, and for a wrong passphrase. */
export async function decryptBackup(text: string, passphrase: string): Promise<VaultContent> {
  if (text.length > MAX_BACKUP_BYTES)
    throw new EngineError(ErrorCode.InvalidPayload, `A backup is at most ${MAX_BACKUP_BYTES / 2 ** 20} MiB`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EngineError(ErrorCode.InvalidPayload, 'This file is not a messenger backup (it is not JSON)');
  }
  const file = parse(BackupFileSchema, json);
  if (!file.ok)
    throw new EngineError(ErrorCode.InvalidPayload, `This file is not a messenger backup: ${file.message}`);
  const key = await deriveKey(passphrase, decodeBytes(file.value.salt), file.value.kdf);
  let value: unknown;
  try {
    value = open(key, PURPOSE, { nonce: decodeBytes(file.value.nonce), box: decodeBytes(file.value.box) });
  } catch (error) {
    if (error instanceof SealError)
      throw new EngineError(
        ErrorCode.WrongPassphrase,
        'Wrong passphrase for this backup (or the file is damaged)',
      );
    throw error;
  }
  const content = parse(VaultContentSchema, value);
  if (!content.ok)
    throw new EngineError(ErrorCode.InvalidPayload, `The backup's content is invalid: ${content.message}`);
  return content.value;
}
