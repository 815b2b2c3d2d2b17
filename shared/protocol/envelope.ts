/**
 * The end-to-end encrypted envelope, version 1: a Double Ratchet header in the clear (the sender's current
 * ratchet key, the previous chain's length, the message number) and the ciphertext, whose key is bound to the
 * header and to both parties' identity keys (associated data).
 */
import * as v from 'valibot';
import { EXCHANGE_KEY_LENGTH, PublicIdentitySchema, bytesSchema } from '../crypto/identity';
import { MAX_ENVELOPE_CIPHERTEXT_LENGTH } from '../limits';

export const ENVELOPE_VERSION = 1;

const Counter = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff_ffff));

export const RatchetHeaderSchema = v.strictObject({
  /** The sender's current ratchet public key (X25519), base64url. */
  dh: bytesSchema(EXCHANGE_KEY_LENGTH),
  /** How many messages the sender sent in its previous sending chain. */
  pn: Counter,
  /** This message's number in the current sending chain. */
  n: Counter,
});
export type RatchetHeader = v.InferOutput<typeof RatchetHeaderSchema>;

export const EnvelopeSchema = v.strictObject({
  v: v.literal(ENVELOPE_VERSION),
  header: RatchetHeaderSchema,
  ciphertext: v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding'),
    v.maxLength(
      MAX_ENVELOPE_CIPHERTEXT_LENGTH,
      `must be at most ${MAX_ENVELOPE_CIPHERTEXT_LENGTH} characters`,
    ),
  ),
});
export type Envelope = v.InferOutput<typeof EnvelopeSchema>;

const PrekeyIdSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff_ffff));

/**
 * Sent by the initiator of a session (X3DH) with each message until the first reply: enough for the responder
 * to derive the same secret, even if it was offline when the session began.
 */
export const PrekeyHeaderSchema = v.strictObject({
  /** The initiator's identity; its user id must be the sender's. */
  identity: PublicIdentitySchema,
  /** The initiator's ephemeral X25519 key for this session; it also names the session. */
  ephemeral: bytesSchema(EXCHANGE_KEY_LENGTH),
  signedPrekeyId: PrekeyIdSchema,
  oneTimePrekeyId: v.optional(PrekeyIdSchema),
});
export type PrekeyHeader = v.InferOutput<typeof PrekeyHeaderSchema>;

/**
 * One end-to-end encrypted message as it travels, over a data channel or (later) through the mailbox: the
 * session it belongs to, the X3DH header while the session is new, and the ratchet envelope.
 */
export const SealedMessageSchema = v.pipe(
  v.strictObject({
    v: v.literal(ENVELOPE_VERSION),
    /** The session: the initiator's ephemeral key, base64url. */
    session: bytesSchema(EXCHANGE_KEY_LENGTH),
    prekey: v.optional(PrekeyHeaderSchema),
    envelope: EnvelopeSchema,
  }),
  v.check(
    (message) => !message.prekey || message.prekey.ephemeral === message.session,
    "session must be the prekey header's ephemeral key",
  ),
);
export type SealedMessage = v.InferOutput<typeof SealedMessageSchema>;
