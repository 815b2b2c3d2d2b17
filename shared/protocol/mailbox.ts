/**
 * The server's mailbox: sealed messages held for a recipient until they acknowledge them. It is both the offline
 * mailbox and the relay when no data channel opens: a message for someone online is pushed to them at once.
 * The server sees who writes to whom, when, and how much; never what (everything in it is a SealedMessage).
 */
import * as v from 'valibot';
import { MessageIdSchema, UserIdSchema } from '../ids';
import { MAX_MAIL_ACK_IDS } from '../limits';
import { SealedMessageSchema } from './envelope';

/** A mail id: chosen by the server, 32 lowercase hex digits. */
export const MailIdSchema = v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits'));

/** `mail:send`: hold `message` for `to`. `id` is the sender's message id, which the recipient dedupes by. */
export const MailSendSchema = v.strictObject({
  to: UserIdSchema,
  id: MessageIdSchema,
  message: SealedMessageSchema,
});
export type MailSend = v.InferOutput<typeof MailSendSchema>;

export const MailAcceptedSchema = v.object({
  mailId: MailIdSchema,
  /** When the server drops the message if it has not been fetched, ms since epoch. */
  expiresAt: v.pipe(v.number(), v.integer()),
});
export type MailAccepted = v.InferOutput<typeof MailAcceptedSchema>;

/** One held message, as the recipient gets it (`mail:fetch`, or pushed as `mail:new`). */
export const MailItemSchema = v.object({
  mailId: MailIdSchema,
  /** Set by the server from the sender's session, never from the payload. */
  from: UserIdSchema,
  id: MessageIdSchema,
  message: SealedMessageSchema,
  /** When the server took it, ms since epoch (server clock). */
  storedAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type MailItem = v.InferOutput<typeof MailItemSchema>;

export const MailBatchSchema = v.object({
  items: v.array(MailItemSchema),
  /** More are waiting: fetch again after acknowledging these. */
  more: v.boolean(),
});
export type MailBatch = v.InferOutput<typeof MailBatchSchema>;

/** `mail:ack`: the recipient has stored these; the server deletes them. */
export const MailAckSchema = v.strictObject({
  mailIds: v.pipe(
    v.array(MailIdSchema),
    v.minLength(1, 'must name at least one mail id'),
    v.maxLength(MAX_MAIL_ACK_IDS, `at most ${MAX_MAIL_ACK_IDS} per acknowledgement`),
  ),
});

export const MailAckedSchema = v.object({ deleted: v.pipe(v.number(), v.integer(), v.minValue(0)) });
