/**
 * Prekeys for X3DH (the Signal key agreement): each user publishes a signed prekey and a batch of one-time
 * prekeys; the server hands one bundle per request to whoever wants to start a session, consuming one
 * one-time prekey each time, so a first message to an offline user is forward-secret too.
 */
import * as v from 'valibot';
import { EXCHANGE_KEY_LENGTH, PublicIdentitySchema, SIGNATURE_LENGTH, bytesSchema } from '../crypto/identity';
import { UserIdSchema } from '../ids';
import { MAX_ONE_TIME_PREKEYS_PER_UPLOAD } from '../limits';

const PrekeyIdSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff_ffff));

export const SignedPrekeySchema = v.strictObject({
  id: PrekeyIdSchema,
  /** X25519 public key, base64url. */
  key: bytesSchema(EXCHANGE_KEY_LENGTH),
  /** The identity signing key's signature over signedPrekeyStatement(key). */
  signature: bytesSchema(SIGNATURE_LENGTH),
});
export type SignedPrekey = v.InferOutput<typeof SignedPrekeySchema>;

export const OneTimePrekeySchema = v.strictObject({
  id: PrekeyIdSchema,
  key: bytesSchema(EXCHANGE_KEY_LENGTH),
});
export type OneTimePrekey = v.InferOutput<typeof OneTimePrekeySchema>;

/** `prekeys:publish`: replaces the signed prekey and adds one-time prekeys (ids must be new). */
export const PrekeysPublishSchema = v.strictObject({
  signedPrekey: SignedPrekeySchema,
  /** Drop the one-time prekeys held so far first: the profile starts over (new, or restored from a backup). */
  replace: v.optional(v.boolean()),
  oneTimePrekeys: v.pipe(
    v.array(OneTimePrekeySchema),
    v.maxLength(MAX_ONE_TIME_PREKEYS_PER_UPLOAD, `at most ${MAX_ONE_TIME_PREKEYS_PER_UPLOAD} per upload`),
  ),
});
export type PrekeysPublish = v.InferOutput<typeof PrekeysPublishSchema>;

export const PrekeysPublishedSchema = v.object({
  /** How many of the user's one-time prekeys the server now holds. */
  oneTimePrekeys: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type PrekeysPublished = v.InferOutput<typeof PrekeysPublishedSchema>;

export const PrekeysClaimSchema = v.strictObject({ userId: UserIdSchema });

/** What an initiator needs to start a session with `userId`; without a one-time prekey once they run out. */
export const PrekeyBundleSchema = v.object({
  userId: UserIdSchema,
  identity: PublicIdentitySchema,
  signedPrekey: SignedPrekeySchema,
  oneTimePrekey: v.optional(OneTimePrekeySchema),
});
export type PrekeyBundle = v.InferOutput<typeof PrekeyBundleSchema>;

/** Pushed to a user when a claim takes them below ONE_TIME_PREKEYS_LOW_WATER one-time prekeys (once): publish more. */
export const PrekeysLowSchema = v.object({ remaining: v.pipe(v.number(), v.integer(), v.minValue(0)) });
export type PrekeysLow = v.InferOutput<typeof PrekeysLowSchema>;
