/**
 * Contacts as the server sees them: as little as possible.
 *
 * - Two users who accepted each other share a secret (sent in the contact request and its answer, over the
 *   ratchet: the server never sees it). From it each derives the pair's presence token (presenceToken in
 *   shared/crypto/contact-secret.ts). A signed-in client hands the server the tokens of its contacts
 *   (`presence:watch`); the server joins its socket to one Socket.IO room per token. Presence travels only in
 *   those rooms, and signaling is relayed only between two users who presented a common token: the server never
 *   holds a list of who knows whom, only which opaque tokens the users online now present.
 * - `user:lookup` finds one user by exact name (no listing, no prefix search), to send them a request.
 * - Blocks are the one part of the graph the server must keep (it refuses a blocked sender's mail): `block:set`.
 */
import * as v from 'valibot';
import { bytesSchema } from '../crypto/key-encoding';
import { UserIdSchema } from '../ids';
import { MAX_CONTACTS } from '../limits';
import { WireNameSchema } from '../names';

/** Bytes of a pair's presence token (an HMAC-SHA-256). */
export const PRESENCE_TOKEN_LENGTH = 32;
export const PresenceTokenSchema = bytesSchema(PRESENCE_TOKEN_LENGTH);
export type PresenceToken = v.InferOutput<typeof PresenceTokenSchema>;

/**
 * The tokens of every accepted contact, replacing those given before on this socket. `visible: false` ("appear
 * offline") listens without telling: no `presence:online` goes out for this user, and no `presence:here`.
 */
export const PresenceWatchSchema = v.strictObject({
  tokens: v.pipe(
    v.array(PresenceTokenSchema),
    v.maxLength(MAX_CONTACTS, `at most ${MAX_CONTACTS} contacts`),
    v.check((tokens) => new Set(tokens).size === tokens.length, 'must not name a token twice'),
  ),
  visible: v.boolean(),
});
export type PresenceWatch = v.InferOutput<typeof PresenceWatchSchema>;
export const PresenceWatchedSchema = v.pipe(v.object({ tokens: v.number() }), v.readonly());

/** The answer to a `presence:online` that is not itself an answer: "I am online too" (only if visible). */
export const PresenceHereSchema = v.strictObject({ token: PresenceTokenSchema });

/** A contact (whoever else presents the token) came online, or answered that they are. */
export const PresenceOnlineSchema = v.pipe(
  v.object({
    token: PresenceTokenSchema,
    /** True when this answers our own `presence:online`: it needs no answer. */
    reply: v.boolean(),
  }),
  v.readonly(),
);
export const PresenceOfflineSchema = v.pipe(v.object({ token: PresenceTokenSchema }), v.readonly());

export const UserLookupSchema = v.strictObject({ name: WireNameSchema });

/** Blocks or unblocks a user: the server then refuses (or takes again) their mail to the blocker. */
export const BlockSetSchema = v.strictObject({ userId: UserIdSchema, blocked: v.boolean() });
/** How many users the caller blocks now. */
export const BlockedSchema = v.pipe(v.object({ blocked: v.number() }), v.readonly());
