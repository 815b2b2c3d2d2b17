/**
 * Profiles, Signal's model: a display name, a short bio and an avatar, sealed by the user's client under a random
 * profile key (see extension/lib/crypto/profile-seal.ts) and stored on the server as ciphertext only. The key
 * reaches contacts over the ratchet (the contact request, its acceptance, and a `profile` content when the profile
 * changes); without it the ciphertext is useless, so any signed-in user may fetch anyone's (`profile:get`).
 */
import * as v from 'valibot';
import { UserIdSchema } from '../ids';
import {
  MAX_AVATAR_BYTES,
  MAX_PROFILE_BIO_LENGTH,
  MAX_PROFILE_NAME_LENGTH,
  MAX_SEALED_PROFILE_LENGTH,
  PROFILE_KEY_LENGTH,
} from '../limits';
import { bytesSchema } from '../crypto/key-encoding';

/** A profile's version: 1, 2, 3… Each `profile:put` must name a higher one than the server holds. */
export const ProfileVersionSchema = v.pipe(
  v.number(),
  v.integer(),
  v.minValue(1, 'must be at least 1'),
  v.maxValue(Number.MAX_SAFE_INTEGER),
);

export const ProfileKeySchema = bytesSchema(PROFILE_KEY_LENGTH);

/** The sealed profile as the server keeps it: base64url (nonce and box), opaque to the server. */
export const SealedProfileSchema = v.pipe(
  v.string(),
  v.maxLength(MAX_SEALED_PROFILE_LENGTH, `must be at most ${MAX_SEALED_PROFILE_LENGTH} characters`),
  v.regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding'),
);

export const ProfilePutSchema = v.strictObject({
  version: ProfileVersionSchema,
  sealed: SealedProfileSchema,
});
export const ProfileGetSchema = v.strictObject({ userId: UserIdSchema });
/** What the server holds for a user: the newest version and its ciphertext. */
export const StoredProfileSchema = v.pipe(
  v.object({ version: ProfileVersionSchema, sealed: SealedProfileSchema }),
  v.readonly(),
);
export type StoredProfile = v.InferOutput<typeof StoredProfileSchema>;
export const ProfilePutAnswerSchema = v.pipe(v.object({ version: ProfileVersionSchema }), v.readonly());

/** Image types an avatar may have: raster formats a canvas produces. Never SVG (it is a document, not a picture). */
export const AvatarTypeSchema = v.picklist(['image/jpeg', 'image/webp']);
export type AvatarType = v.InferOutput<typeof AvatarTypeSchema>;

/** Characters of base64url that encode at most MAX_AVATAR_BYTES. */
const MAX_AVATAR_CHARS = Math.ceil((MAX_AVATAR_BYTES * 4) / 3);

const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_NEWLINE = /(?!\n)\p{Cc}/u;

/** Text someone chose for others to read: no control characters (line breaks aside in a bio). */
const profileText = (max: number, multiline: boolean) =>
  v.pipe(
    v.string(),
    v.maxLength(max, `must be at most ${max} characters`),
    v.check(
      (text) => text.length > max || !(multiline ? CONTROL_BUT_NEWLINE : CONTROL).test(text),
      'must not contain control characters',
    ),
  );

/**
 * A profile as it is sealed (and checked again after opening: the sender may be hostile). The avatar's bytes must
 * also decode as its type within AVATAR_SIZE_PX (checked by the engine, which can decode images).
 */
export const ProfileCardSchema = v.strictObject({
  v: v.literal(1),
  displayName: profileText(MAX_PROFILE_NAME_LENGTH, false),
  bio: profileText(MAX_PROFILE_BIO_LENGTH, true),
  avatar: v.optional(
    v.strictObject({
      type: AvatarTypeSchema,
      data: v.pipe(
        v.string(),
        v.maxLength(MAX_AVATAR_CHARS, `must be at most ${MAX_AVATAR_BYTES} bytes`),
        v.regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding'),
      ),
    }),
  ),
});
export type ProfileCard = v.InferOutput<typeof ProfileCardSchema>;
