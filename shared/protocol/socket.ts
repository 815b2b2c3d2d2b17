/**
 * The Socket.IO protocol between the engine and the signal server.
 * Requests are `domain:verb` events answered through an acknowledgement carrying a Result;
 * pushes are server-to-client events without acknowledgement.
 */
import * as v from 'valibot';
import { WireErrorSchema, type Result, type WireError } from '../errors';
import {
  CHALLENGE_LENGTH,
  SIGNATURE_LENGTH,
  SIGNING_KEY_LENGTH,
  PublicIdentitySchema,
  ServerOriginSchema,
  bytesSchema,
  isUserIdOf,
} from '../crypto/identity';
import { UserIdSchema, RoomIdSchema } from '../ids';
import { WireNameSchema } from '../names';
import {
  PrekeyBundleSchema,
  PrekeysClaimSchema,
  PrekeysPublishSchema,
  PrekeysPublishedSchema,
  PrekeysLowSchema,
} from './prekeys';
import {
  MailAckSchema,
  MailAckedSchema,
  MailAcceptedSchema,
  MailBatchSchema,
  MailItemSchema,
  MailSendSchema,
} from './mailbox';
import { IceServersSchema } from './ice';
import { AccountDeletedSchema, AccountRequestSchema, NameReleasedSchema } from './account';
import {
  BlockSetSchema,
  BlockedSchema,
  PresenceHereSchema,
  PresenceOfflineSchema,
  PresenceOnlineSchema,
  PresenceWatchSchema,
  PresenceWatchedSchema,
  UserLookupSchema,
} from './contacts';
import {
  RoomAppendSchema,
  RoomBrowseSchema,
  RoomBrowsedSchema,
  RoomCreateSchema,
  RoomListedCodeAnswerSchema,
  RoomListedCodeSchema,
  RoomListingSchema,
  RoomInviteeLookupSchema,
  RoomListSchema,
  RoomPeekSchema,
  RoomSchema,
} from './rooms';
import { ProfileGetSchema, ProfilePutAnswerSchema, ProfilePutSchema, StoredProfileSchema } from './profile';

/**
 * Starting a session takes two requests: `session:challenge` hands out a fresh single-use nonce for this
 * connection; `session:start` proves the identity key by signing sessionStatement({ origin, challenge, userId,
 * name }). The user id is not sent: the server derives it from the signing key.
 */
export const SessionStartSchema = v.strictObject({
  identity: PublicIdentitySchema,
  /** The server the client meant to sign in to, as it signed it (see sessionStatement). */
  origin: ServerOriginSchema,
  name: WireNameSchema,
  challenge: bytesSchema(CHALLENGE_LENGTH),
  signature: bytesSchema(SIGNATURE_LENGTH),
});
export type SessionStart = v.InferOutput<typeof SessionStartSchema>;

/** A request without parameters: `{}` and nothing else (valibot would let an empty array pass as an object). */
export const EmptyRequestSchema = v.pipe(
  v.unknown(),
  v.check((payload) => !Array.isArray(payload), 'must be an object, not an array'),
  v.strictObject({}),
);

/** The schema that validates each request's payload, by event name. */
export const requestSchemas = {
  'session:challenge': EmptyRequestSchema,
  'session:start': SessionStartSchema,
  'peer:ticket': EmptyRequestSchema,
  'prekeys:publish': PrekeysPublishSchema,
  'prekeys:claim': PrekeysClaimSchema,
  'mail:send': MailSendSchema,
  'mail:fetch': EmptyRequestSchema,
  'mail:ack': MailAckSchema,
  'ice:servers': EmptyRequestSchema,
  'room:create': RoomCreateSchema,
  'room:append': RoomAppendSchema,
  'room:invitee': RoomInviteeLookupSchema,
  'room:peek': RoomPeekSchema,
  'room:list': EmptyRequestSchema,
  'room:listing': RoomListingSchema,
  'room:browse': RoomBrowseSchema,
  'room:listed-code': RoomListedCodeSchema,
  'account:release-name': AccountRequestSchema,
  'account:delete': AccountRequestSchema,
  'user:lookup': UserLookupSchema,
  'presence:watch': PresenceWatchSchema,
  'presence:here': PresenceHereSchema,
  'block:set': BlockSetSchema,
  'profile:put': ProfilePutSchema,
  'profile:get': ProfileGetSchema,
} as const;

export type RequestEvent = keyof typeof requestSchemas;
export type RequestPayload<E extends RequestEvent> = v.InferInput<(typeof requestSchemas)[E]>;

export function isRequestEvent(event: string): event is RequestEvent {
  return Object.hasOwn(requestSchemas, event);
}

/*
 * Answers and pushes are typed by their schemas (v.InferOutput), never written a second time. Answers end in
 * v.readonly() (arrays in them too): the type, the validator and the documentation stay one thing.
 */

/** A user as others see them. Clients check that `userId` is derived from `signingKey` (userIdOf). */
export const UserSchema = v.pipe(
  v.object({
    userId: UserIdSchema,
    name: WireNameSchema,
    /** Ed25519 public key, base64url. */
    signingKey: bytesSchema(SIGNING_KEY_LENGTH),
  }),
  v.check((user) => isUserIdOf(user.userId, user.signingKey), 'userId must derive from signingKey'),
  v.readonly(),
);
export type User = v.InferOutput<typeof UserSchema>;

export const ChallengeSchema = v.pipe(v.object({ challenge: bytesSchema(CHALLENGE_LENGTH) }), v.readonly());
export type Challenge = v.InferOutput<typeof ChallengeSchema>;

/** Lets one PeerJS client open the signaling socket as `peerId` until `expiresAt` (ms since epoch). */
export const PeerTicketSchema = v.pipe(
  v.object({
    peerId: UserIdSchema,
    ticket: v.pipe(v.string(), v.regex(/^[\w.-]{1,128}$/, 'must be a URL-safe token')),
    expiresAt: v.pipe(v.number(), v.integer()),
  }),
  v.readonly(),
);
export type PeerTicket = v.InferOutput<typeof PeerTicketSchema>;

export const SessionStartedSchema = v.pipe(
  v.object({
    self: UserSchema,
    peer: PeerTicketSchema,
  }),
  v.readonly(),
);
export type SessionStarted = v.InferOutput<typeof SessionStartedSchema>;

/** An answer: `{ ok: true, data }` or `{ ok: false, error }`; its output is Result<output of `data`>. */
const resultSchema = <S extends v.GenericSchema>(data: S) =>
  v.pipe(
    v.variant('ok', [
      v.object({ ok: v.literal(true), data }),
      v.object({ ok: v.literal(false), error: WireErrorSchema }),
    ]),
    v.readonly(),
  );

/** Validates each response on the client: the server is trusted with routing, not with shapes. */
export const responseSchemas = {
  'session:challenge': resultSchema(ChallengeSchema),
  'session:start': resultSchema(SessionStartedSchema),
  'peer:ticket': resultSchema(PeerTicketSchema),
  'prekeys:publish': resultSchema(PrekeysPublishedSchema),
  'prekeys:claim': resultSchema(PrekeyBundleSchema),
  'mail:send': resultSchema(MailAcceptedSchema),
  'mail:fetch': resultSchema(MailBatchSchema),
  'mail:ack': resultSchema(MailAckedSchema),
  'ice:servers': resultSchema(IceServersSchema),
  'room:create': resultSchema(RoomSchema),
  /** The room after the entry; none once it has ended (the last member left). */
  'room:append': resultSchema(
    v.pipe(v.object({ roomId: RoomIdSchema, room: v.optional(RoomSchema) }), v.readonly()),
  ),
  'room:invitee': resultSchema(v.pipe(v.object({ userId: UserIdSchema }), v.readonly())),
  'room:peek': resultSchema(RoomSchema),
  'room:list': resultSchema(RoomListSchema),
  /** Whether the room is listed now. */
  'room:listing': resultSchema(v.pipe(v.object({ roomId: RoomIdSchema, listed: v.boolean() }), v.readonly())),
  'room:browse': resultSchema(RoomBrowsedSchema),
  'room:listed-code': resultSchema(RoomListedCodeAnswerSchema),
  'account:release-name': resultSchema(NameReleasedSchema),
  'account:delete': resultSchema(AccountDeletedSchema),
  /** The one user bound to that exact name (compared as nameKey); not-found otherwise. */
  'user:lookup': resultSchema(v.pipe(v.object({ user: UserSchema }), v.readonly())),
  'presence:watch': resultSchema(PresenceWatchedSchema),
  'presence:here': resultSchema(v.pipe(v.object({}), v.readonly())),
  'block:set': resultSchema(BlockedSchema),
  /** The version now held: higher than any before (a put naming an older one is refused). */
  'profile:put': resultSchema(ProfilePutAnswerSchema),
  /** The user's newest sealed profile; not-found if they never stored one. */
  'profile:get': resultSchema(StoredProfileSchema),
} as const satisfies Record<RequestEvent, v.GenericSchema>;

/** What each request's answer carries when it succeeds, by event name. */
export type ResponseMap = {
  [E in RequestEvent]: Extract<v.InferOutput<(typeof responseSchemas)[E]>, { readonly ok: true }>['data'];
};

/** Validates each push on the client. */
export const pushSchemas = {
  /** Someone presenting this presence token (the contact it is shared with) is online. */
  'presence:online': PresenceOnlineSchema,
  'presence:offline': PresenceOfflineSchema,
  /** A message arrived in the user's mailbox while they are online: store it, then `mail:ack`. */
  'mail:new': MailItemSchema,
  /** A room the user belongs to, or is invited to, changed (or is new to them). */
  'room:updated': RoomSchema,
  /** The user is no longer in this room (they left, from another device, or were never let in). */
  'room:removed': v.pipe(v.object({ roomId: RoomIdSchema }), v.readonly()),
  /** A claim took the user below ONE_TIME_PREKEYS_LOW_WATER one-time prekeys on the server (once): publish more. */
  'prekeys:low': PrekeysLowSchema,
} as const;
export type PushEvent = keyof typeof pushSchemas;
export type PushPayload<E extends PushEvent> = v.InferOutput<(typeof pushSchemas)[E]>;

export type Ack<E extends RequestEvent> = (result: Result<ResponseMap[E]>) => void;

export type ClientToServerEvents = {
  [E in RequestEvent]: (payload: RequestPayload<E>, ack: Ack<E>) => void;
};

export type ServerToClientEvents = {
  [E in PushEvent]: (payload: PushPayload<E>) => void;
} & {
  /** A request the server could not even answer (no acknowledgement, unknown event). */
  'protocol:error': (error: WireError & { readonly event: string }) => void;
};

/** Where the PeerJS signaling endpoint is mounted; the PeerJS client appends `peerjs?key=…`. */
export const PEERJS_PATH = '/peerjs';
/** The PeerJS API key. We have one deployment per server, so the key is fixed; tickets do the authentication. */
export const PEERJS_KEY = 'peerjs';
