/**
 * The end-to-end encrypted envelope, version 1: a Double Ratchet header in the clear (the sender's current
 * ratchet key, the previous chain's length, the message number) and the ciphertext, whose key is bound to the
 * header and to both parties' identity keys (associated data).
 */
import * as v from 'valibot';
import { EXCHANGE_KEY_LENGTH, bytesSchema } from '../crypto/identity';
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
