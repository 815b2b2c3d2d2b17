import * as v from 'valibot';

/**
 * A user id: 32 lowercase hex digits (128 bits). It doubles as the PeerJS peer id,
 * so it must also satisfy PeerJS's own id rule (alphanumeric), which hex does.
 */
export const USER_ID_PATTERN = /^[0-9a-f]{32}$/;

export const UserIdSchema = v.pipe(v.string(), v.regex(USER_ID_PATTERN, 'must be 32 lowercase hex digits'));
export type UserId = v.InferOutput<typeof UserIdSchema>;

/** A message id: 32 lowercase hex digits, chosen by the sender. */
export const MessageIdSchema = v.pipe(
  v.string(),
  v.regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits'),
);
export type MessageId = v.InferOutput<typeof MessageIdSchema>;

/** A room's id: `r` and 32 lowercase hex digits, never mistaken for a user id. */
export const RoomIdSchema = v.pipe(
  v.string(),
  v.regex(/^r[0-9a-f]{32}$/, 'must be "r" and 32 lowercase hex digits'),
);
export type RoomId = v.InferOutput<typeof RoomIdSchema>;

/** A conversation: with a contact (their user id) or in a room (its id). */
export const ConversationIdSchema = v.union([UserIdSchema, RoomIdSchema]);
export type ConversationId = v.InferOutput<typeof ConversationIdSchema>;

/** A call's id: 32 lowercase hex digits (128 random bits), chosen by the caller. */
export const CallIdSchema = v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits'));
export type CallId = v.InferOutput<typeof CallIdSchema>;

/** The part of Web Crypto that shared/ needs; browsers and Node 20 both have it on globalThis. */
interface RandomSource {
  getRandomValues(array: Uint8Array): Uint8Array;
}
// shared/ compiles without DOM or Node types, so the global is described structurally here.
const { crypto } = globalThis as unknown as { crypto: RandomSource };

/** 128 random bits as 32 lowercase hex digits, from the platform's CSPRNG. */
export function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
