/**
 * What a sealed message holds once decrypted: validated again after decryption, because a peer (not only the
 * network) may be hostile.
 */
import * as v from 'valibot';
import { MessageIdSchema, RoomIdSchema } from '../ids';
import {
  CONTACT_SECRET_LENGTH,
  FILE_HASH_LENGTH,
  FILE_CHUNK_BYTES,
  FILE_KEY_LENGTH,
  MAX_FILE_BYTES,
  MAX_FILE_PART_LENGTH,
  MAX_RELAYED_FILE_BYTES,
  MAX_FILE_NAME_LENGTH,
  MAX_FILE_TYPE_LENGTH,
  MAX_QUOTE_LENGTH,
  MAX_RECEIPT_IDS,
  MAX_TEXT_LENGTH,
  MAX_TIMESTAMP_MS,
} from '../limits';
import { bytesSchema } from '../crypto/key-encoding';
import { WireNameSchema } from '../names';
import { CallContentSchema } from './call';
import { ProfileKeySchema, ProfileVersionSchema } from './profile';

export const CONTENT_VERSION = 1;

export const TextMessageSchema = v.pipe(
  v.string(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`),
);

/** A time from a peer, ms since the epoch: bounded, so that showing it can never fail (see MAX_TIMESTAMP_MS). */
export const TimestampSchema = v.pipe(
  v.number(),
  v.integer(),
  v.minValue(0, 'must not be before 1970'),
  v.maxValue(MAX_TIMESTAMP_MS, 'must be before the year 2100'),
);

/**
 * A file offered with a chat message: what the receiver is asked to accept, and how to open and check it. The
 * name and type are the sender's claims: the receiver sanitises the name before saving and never renders the file.
 */
export const FileOfferSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_FILE_NAME_LENGTH)),
  size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_FILE_BYTES)),
  type: v.pipe(v.string(), v.maxLength(MAX_FILE_TYPE_LENGTH)),
  /** SHA-256 of the whole file: checked once it is written, before it is saved. */
  sha256: bytesSchema(FILE_HASH_LENGTH),
  /** A fresh AES-256-GCM key for this file's chunks (see extension/lib/files/file-chunks.ts). */
  key: bytesSchema(FILE_KEY_LENGTH),
});
export type FileOffer = v.InferOutput<typeof FileOfferSchema>;

/**
 * The message a reply answers, and a short preview of it as the sender saw it. The receiver shows its own copy's
 * text when it has that message (a sender cannot misquote it), the sender's preview only when it has not.
 */
export const ReplyToSchema = v.strictObject({
  id: MessageIdSchema,
  /** Empty once the quoted message was deleted. */
  text: v.pipe(v.string(), v.maxLength(MAX_QUOTE_LENGTH, `must be at most ${MAX_QUOTE_LENGTH} characters`)),
});
export type ReplyTo = v.InferOutput<typeof ReplyToSchema>;

export const ChatContentSchema = v.strictObject({
  v: v.literal(CONTENT_VERSION),
  kind: v.literal('chat'),
  id: MessageIdSchema,
  text: TextMessageSchema,
  /** Sender's clock, ms since epoch; shown, never trusted for ordering. */
  sentAt: TimestampSchema,
  /** Set for a room message: the same message goes to each member, sealed for each. */
  room: v.optional(RoomIdSchema),
  /** A file offered with the message (its text is the file's name, or a caption). */
  file: v.optional(FileOfferSchema),
  /** The message this one answers. */
  reply: v.optional(ReplyToSchema),
});
export type ChatContent = v.InferOutput<typeof ChatContentSchema>;

/**
 * Says that messages arrived (`delivered`: stored by the recipient's engine) or were shown (`read`). Receipts are
 * end-to-end encrypted like messages, so a server cannot forge a tick.
 */
export const ReceiptContentSchema = v.strictObject({
  v: v.literal(CONTENT_VERSION),
  kind: v.literal('receipt'),
  status: v.picklist(['delivered', 'read']),
  ids: v.pipe(
    v.array(MessageIdSchema),
    v.minLength(1, 'must name at least one message'),
    v.maxLength(MAX_RECEIPT_IDS, `at most ${MAX_RECEIPT_IDS} per receipt`),
  ),
  /** The room the messages were sent in, if any. */
  room: v.optional(RoomIdSchema),
});
export type ReceiptContent = v.InferOutput<typeof ReceiptContentSchema>;

/**
 * "I could not open these messages: my session with you is gone" (e.g. after restoring a backup). Sent on a new
 * session; the sender then seals what it has not had confirmed again, on that session.
 */
export const ResetContentSchema = v.strictObject({
  v: v.literal(CONTENT_VERSION),
  kind: v.literal('reset'),
  ids: v.pipe(
    v.array(MessageIdSchema),
    v.minLength(1, 'must name at least one message'),
    v.maxLength(MAX_RECEIPT_IDS, `at most ${MAX_RECEIPT_IDS} per reset`),
  ),
});
export type ResetContent = v.InferOutput<typeof ResetContentSchema>;

/**
 * Contacts: `request` asks to become contacts and carries the secret the pair would share; `accept` answers it
 * (with the secret both keep, see pickSharedSecret). Until accepted, the asker is a request on the other side:
 * their messages wait there and notify nobody.
 */
export const ContactContentSchema = v.strictObject({
  v: v.literal(CONTENT_VERSION),
  kind: v.literal('contact'),
  action: v.picklist(['request', 'accept']),
  secret: bytesSchema(CONTACT_SECRET_LENGTH),
  /** The sender's name as they claim it; the receiver checks it with `user:lookup` before trusting it. */
  name: WireNameSchema,
  /** A first word with a request ("Hi, it's Ana from the climbing club"). */
  greeting: v.optional(TextMessageSchema),
  /** The sender's profile key, if they have a profile (absent from older clients' requests). */
  profileKey: v.optional(ProfileKeySchema),
});
export type ContactContent = v.InferOutput<typeof ContactContentSchema>;

/**
 * The sender's profile changed (or got its first key): fetch version `version` (or newer) with `profile:get` and
 * open it with `key`. Sent to each accepted contact; taken only from one.
 */
export const ProfileContentSchema = v.strictObject({
  v: v.literal(CONTENT_VERSION),
  kind: v.literal('profile'),
  key: ProfileKeySchema,
  version: ProfileVersionSchema,
});
export type ProfileContent = v.InferOutput<typeof ProfileContentSchema>;

/**
 * The receiver's answer to a file offered in message `id` (`accept`, `decline`), either side stopping it
 * (`cancel`), the receiver saying it has the whole file, checked (`received`), or asking for a small file through
 * the server's mailbox because no direct link opens (`relay`, see FilePartContentSchema). The bytes themselves never go
 * through the ratchet: the receiver pulls them over a data channel (peer.ts `file-pull`).
 */
export const FileContentSchema = v.strictObject({
  v: v.literal(CONTENT_VERSION),
  kind: v.literal('file'),
  action: v.picklist(['accept', 'decline', 'cancel', 'received', 'relay']),
  id: MessageIdSchema,
  /** The room the offer was made in, if any. */
  room: v.optional(RoomIdSchema),
});
export type FileContent = v.InferOutput<typeof FileContentSchema>;

/**
 * Half of sealed chunk `index` of the file offered in message `id`, relayed through the mailbox (`relay`): the
 * receiver joins the halves into the frame a data channel would have carried, and checks it the same way.
 */
export const FilePartContentSchema = v.strictObject({
  v: v.literal(CONTENT_VERSION),
  kind: v.literal('file-part'),
  id: MessageIdSchema,
  index: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(0),
    v.maxValue(Math.ceil(MAX_RELAYED_FILE_BYTES / FILE_CHUNK_BYTES)),
  ),
  half: v.picklist([0, 1]),
  data: v.pipe(v.string(), v.maxLength(MAX_FILE_PART_LENGTH), v.regex(/^[A-Za-z0-9_-]*$/)),
});
export type FilePartContent = v.InferOutput<typeof FilePartContentSchema>;

/**
 * The author changes the text of their message `target` (a text message: not a file's, not a call's), or takes it
 * back for everyone. `id` is this change's own id: the outbox, its receipt and the receiver's dedupe go by it, as
 * for a message. The receiver applies it only to a message the sender wrote, in the conversation named (the
 * contact's, or `room`): nobody edits or deletes another's words.
 */
export const EditContentSchema = v.strictObject({
  v: v.literal(CONTENT_VERSION),
  kind: v.literal('edit'),
  id: MessageIdSchema,
  target: MessageIdSchema,
  text: TextMessageSchema,
  /** Sender's clock, ms since epoch: shown as the time of the edit; an older edit never undoes a newer one. */
  editedAt: TimestampSchema,
  room: v.optional(RoomIdSchema),
});
export type EditContent = v.InferOutput<typeof EditContentSchema>;

/** The author deletes their message `target` for everyone: the receiver keeps a tombstone with no text. */
export const DeleteContentSchema = v.strictObject({
  v: v.literal(CONTENT_VERSION),
  kind: v.literal('delete'),
  id: MessageIdSchema,
  target: MessageIdSchema,
  deletedAt: TimestampSchema,
  room: v.optional(RoomIdSchema),
});
export type DeleteContent = v.InferOutput<typeof DeleteContentSchema>;

/** What goes through the outbox: kept until the recipient's engine receipts it (extension/lib/engine/delivery.ts). */
export type OutgoingContent = ChatContent | EditContent | DeleteContent;

export const ContentSchema = v.variant('kind', [
  ChatContentSchema,
  ReceiptContentSchema,
  ResetContentSchema,
  ContactContentSchema,
  ProfileContentSchema,
  FileContentSchema,
  FilePartContentSchema,
  EditContentSchema,
  DeleteContentSchema,
  /** A call's ring, answer, hang-up or binding (./call.ts). */
  CallContentSchema,
]);
export type Content = v.InferOutput<typeof ContentSchema>;
