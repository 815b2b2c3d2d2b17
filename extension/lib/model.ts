/**
 * The domain types every layer of the extension shares (engine, storage, vault, transport, UI): what a message,
 * a conversation and the statuses are. Defined once here, so lower layers never import from the engine or from the
 * port contract (messaging/protocol.ts) to name them.
 */
import * as v from 'valibot';
import { bytesSchema, SIGNING_KEY_LENGTH } from '../../shared/crypto/key-encoding';
import { ConversationIdSchema, MessageIdSchema, UserIdSchema } from '../../shared/ids';
import {
  CONTACT_SECRET_LENGTH,
  MAX_EDITS_PER_MESSAGE,
  MAX_NAME_LENGTH,
  MAX_TEXT_LENGTH,
  MAX_THUMBNAIL_BYTES,
} from '../../shared/limits';
import { FileOfferSchema, ReplyToSchema, TimestampSchema } from '../../shared/protocol/content';
import { ProfileCardSchema, ProfileKeySchema, ProfileVersionSchema } from '../../shared/protocol/profile';

export type ConnectionStatus = 'unconfigured' | 'connecting' | 'online' | 'offline';
/** A data channel to a contact: being opened, or open and verified. */
export type LinkStatus = 'connecting' | 'open';

/** new: no passphrase set yet; locked: stored data is sealed until the passphrase is given. */
export type VaultStatus = 'new' | 'locked' | 'unlocked';

/**
 * Outgoing: sending (in the outbox), sent (written to a data channel, or held by the server's mailbox), delivered
 * (the recipient's engine stored it), read (shown to them), failed (held back, with the reason; retried).
 * Incoming: delivered until shown, then read.
 */
export const MessageStatusSchema = v.picklist(['sending', 'sent', 'delivered', 'read', 'failed']);
export type MessageStatus = v.InferOutput<typeof MessageStatusSchema>;

/** How a message travelled: over a direct data channel, or relayed as ciphertext by the server's mailbox. */
export const MessagePathSchema = v.picklist(['direct', 'server']);
export type MessagePath = v.InferOutput<typeof MessagePathSchema>;

/** What pages see of a file offered with a message (its key and hash stay in the engine's transfer record). */
export const FileInfoSchema = v.strictObject({
  name: FileOfferSchema.entries.name,
  size: FileOfferSchema.entries.size,
  type: FileOfferSchema.entries.type,
});
export type FileInfo = Readonly<v.InferOutput<typeof FileInfoSchema>>;

/**
 * A call as the history shows it: voice or video, and how it ended. missed: nobody answered (the ring timed out,
 * the caller gave up, or it came after that); declined; busy (the callee was in another call); ended: it was
 * connected, for `durationMs`; failed: it could not connect, or its connection did not match the contact's keys
 * (`warning` says so, by name).
 */
export const CallInfoSchema = v.strictObject({
  callId: MessageIdSchema,
  media: v.picklist(['audio', 'video']),
  outcome: v.picklist(['missed', 'declined', 'busy', 'ended', 'failed']),
  durationMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  warning: v.optional(v.pipe(v.string(), v.maxLength(500))),
});
export type CallInfo = Readonly<v.InferOutput<typeof CallInfoSchema>>;

/** The message a reply answers, as this profile shows it (see ReplyToSchema): who wrote it, when known here. */
export const ReplyQuoteSchema = v.strictObject({
  ...ReplyToSchema.entries,
  from: v.optional(UserIdSchema),
});
export type ReplyQuote = Readonly<v.InferOutput<typeof ReplyQuoteSchema>>;

/** A message of the history, as pages see it and a backup holds it. */
export const ChatMessageSchema = v.pipe(
  v.strictObject({
    id: MessageIdSchema,
    /** The conversation: the contact's user id, or the room's id. */
    peerId: ConversationIdSchema,
    /** Who wrote an incoming room message. */
    from: v.optional(UserIdSchema),
    /** Room members an outgoing room message has not yet reached, and not yet been read by. */
    awaiting: v.optional(v.strictObject({ delivered: v.array(UserIdSchema), read: v.array(UserIdSchema) })),
    direction: v.picklist(['in', 'out']),
    /** Empty once deleted (nothing of it is kept), else at least one character. */
    text: v.pipe(v.string(), v.maxLength(MAX_TEXT_LENGTH)),
    /** The sender's clock, ms since epoch. */
    sentAt: TimestampSchema,
    status: MessageStatusSchema,
    /** The path it took (the latest, for an outgoing message sent again). */
    via: v.optional(MessagePathSchema),
    error: v.optional(v.string()),
    /** A file offered with the message (its text is the file's name); its transfer is a TransferView. */
    file: v.optional(FileInfoSchema),
    /** A call's entry (its text says it in words too): who called is `direction`. Never sent: each side logs its own. */
    call: v.optional(CallInfoSchema),
    /** The message this one answers. */
    reply: v.optional(ReplyQuoteSchema),
    /** When its author last edited it (their clock, ms since epoch): `text` is the edited text. */
    edited: v.optional(TimestampSchema),
    /** A tombstone: deleted here only, or by its author for everyone. Its text (and any quote) is gone. */
    deleted: v.optional(v.strictObject({ at: TimestampSchema, forEveryone: v.boolean() })),
    /** The ids of the edits and the delete it took: a copy of one that comes again is dropped unopened. */
    changes: v.optional(v.pipe(v.array(MessageIdSchema), v.maxLength(MAX_EDITS_PER_MESSAGE + 1))),
  }),
  v.check(
    (message) => (message.deleted ? message.text === '' : message.text.length > 0),
    'a deleted message keeps no text, and any other has some',
  ),
);
export type ChatMessage = Readonly<v.InferOutput<typeof ChatMessageSchema>>;

/** A contact's identity key as first seen under their name. */
export interface PinnedContact {
  readonly name: string;
  readonly userId: string;
  readonly signingKey: string;
}

/**
 * accepted: both agreed (presence and direct links between them). outgoing: we asked, they have not answered.
 * incoming: they asked (a request: their messages wait, notify nobody). blocked: we blocked them.
 */
export const ContactStateSchema = v.picklist(['accepted', 'outgoing', 'incoming', 'blocked']);
export type ContactState = v.InferOutput<typeof ContactStateSchema>;

/** A contact as this profile keeps it (sealed in the vault, and in a backup). */
export const ContactRecordSchema = v.strictObject({
  userId: UserIdSchema,
  /** Their name on the server; for a request, as they claim it until checked (nameVerified). */
  name: v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH)),
  signingKey: bytesSchema(SIGNING_KEY_LENGTH),
  state: ContactStateSchema,
  /** The secret the pair shares (see shared/crypto/contact-secret.ts); none once blocked. */
  secret: v.optional(bytesSchema(CONTACT_SECRET_LENGTH)),
  alias: v.optional(v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH))),
  muted: v.optional(v.boolean()),
  nameVerified: v.boolean(),
  /** Another key held this name when it was first seen here. */
  nameReused: v.optional(v.boolean()),
  /** A contact message this profile still has to send (the server was out of reach): sent at the next sign-in. */
  owed: v.optional(v.picklist(['request', 'accept'])),
  /** Sent with an owed request. */
  greeting: v.optional(v.string()),
});
export type ContactRecord = Readonly<v.InferOutput<typeof ContactRecordSchema>>;

/** This profile's own profile (display name, bio, avatar) as the vault and a backup keep it, with its key. */
export const OwnProfileRecordSchema = v.strictObject({
  key: ProfileKeySchema,
  version: ProfileVersionSchema,
  card: ProfileCardSchema,
  /** Someone who had the key was removed or blocked: the next version is sealed under a new key. */
  rotate: v.optional(v.literal(true)),
});
export type OwnProfileRecord = v.InferOutput<typeof OwnProfileRecordSchema>;

/** A contact's profile key, and what it opened (once fetched and checked). */
export const PeerProfileRecordSchema = v.strictObject({
  userId: UserIdSchema,
  key: ProfileKeySchema,
  /** The newest version they announced: fetched until `opened` has it. */
  announced: v.optional(ProfileVersionSchema),
  opened: v.optional(v.strictObject({ version: ProfileVersionSchema, card: ProfileCardSchema })),
});
export type PeerProfileRecord = v.InferOutput<typeof PeerProfileRecordSchema>;

/**
 * A file transfer, one per offered file and receiver (a file sent to a room has one per member):
 * offered: waiting for the receiver's answer. accepted: the receiver wants it; waiting for a direct link.
 * active: chunks are moving. paused: the link dropped; it resumes from the last chunk written when one opens again.
 * done: received, checked against its SHA-256 and saved (receiver), or confirmed so (sender).
 * declined, cancelled (by either side), failed (with the reason): nothing more moves.
 */
export const TransferStateSchema = v.picklist([
  'offered',
  'accepted',
  'active',
  'paused',
  'done',
  'declined',
  'cancelled',
  'failed',
]);
export type TransferState = v.InferOutput<typeof TransferStateSchema>;

/** A transfer as the vault keeps it (sealed, like every record). */
export const TransferRecordSchema = v.strictObject({
  /** The message that offered the file. */
  messageId: MessageIdSchema,
  /** Its conversation: the contact, or the room. */
  conversation: ConversationIdSchema,
  /** The other end of this transfer: the receiver (outgoing) or the sender (incoming). */
  peer: UserIdSchema,
  direction: v.picklist(['in', 'out']),
  offer: FileOfferSchema,
  /** When this profile sent or received the offer, ms since epoch (its own clock): the transfers' order. */
  offeredAt: TimestampSchema,
  state: TransferStateSchema,
  /** Chunks the receiver has written and checked (incoming), or the receiver last asked from (outgoing). */
  chunks: v.pipe(v.number(), v.integer(), v.minValue(0)),
  error: v.optional(v.string()),
  /** Incoming and done: the name the file was saved under. */
  savedAs: v.optional(v.string()),
  /** A picture's thumbnail (made by this engine, never received), as a data: URL of a WebP or JPEG picture. */
  thumbnail: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(64 + Math.ceil((MAX_THUMBNAIL_BYTES * 4) / 3)),
      v.regex(/^data:image\/(webp|jpeg);base64,/),
    ),
  ),
});
export type TransferRecord = Readonly<v.InferOutput<typeof TransferRecordSchema>>;
