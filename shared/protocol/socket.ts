/**
 * The Socket.IO protocol between the engine and the signal server.
 * Requests are `domain:verb` events answered through an acknowledgement carrying a Result;
 * pushes are server-to-client events without acknowledgement.
 */
import * as v from 'valibot';
import { ErrorCode, type Result, type WireError } from '../errors';
import {
  CHALLENGE_LENGTH,
  SIGNATURE_LENGTH,
  SIGNING_KEY_LENGTH,
  PublicIdentitySchema,
  ServerOriginSchema,
  bytesSchema,
  isUserIdOf,
} from '../crypto/identity';
import { UserIdSchema, type UserId } from '../ids';
import { WireNameSchema } from '../names';
import {
  PrekeyBundleSchema,
  PrekeysClaimSchema,
  PrekeysPublishSchema,
  PrekeysPublishedSchema,
  PrekeysLowSchema,
  type PrekeyBundle,
  type PrekeysLow,
  type PrekeysPublished,
} from './prekeys';
import {
  MailAckSchema,
  MailAckedSchema,
  MailAcceptedSchema,
  MailBatchSchema,
  MailItemSchema,
  MailSendSchema,
  type MailAccepted,
  type MailBatch,
  type MailItem,
} from './mailbox';
import { IceServersSchema, type IceServers } from './ice';
import {
  RoomAppendSchema,
  RoomCreateSchema,
  RoomIdSchema,
  RoomInviteeLookupSchema,
  RoomListSchema,
  RoomPeekSchema,
  RoomSchema,
  type Room,
} from './rooms';

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
} as const;

export type RequestEvent = keyof typeof requestSchemas;
export type RequestPayload<E extends RequestEvent> = v.InferInput<(typeof requestSchemas)[E]>;

export function isRequestEvent(event: string): event is RequestEvent {
  return Object.hasOwn(requestSchemas, event);
}

/** A user as others see them. Clients check that `userId` is derived from `signingKey` (userIdOf). */
export const UserSchema = v.pipe(
  v.object({ userId: UserIdSchema, name: WireNameSchema, signingKey: bytesSchema(SIGNING_KEY_LENGTH) }),
  v.check((user) => isUserIdOf(user.userId, user.signingKey), 'userId must derive from signingKey'),
);
export interface User {
  readonly userId: UserId;
  readonly name: string;
  /** Ed25519 public key, base64url. */
  readonly signingKey: string;
}

export const ChallengeSchema = v.object({ challenge: bytesSchema(CHALLENGE_LENGTH) });
export interface Challenge {
  readonly challenge: string;
}

export const PeerTicketSchema = v.object({
  peerId: UserIdSchema,
  ticket: v.pipe(v.string(), v.regex(/^[\w.-]{1,128}$/, 'must be a URL-safe token')),
  expiresAt: v.pipe(v.number(), v.integer()),
});
/** Lets one PeerJS client open the signaling socket as `peerId` until `expiresAt` (ms since epoch). */
export type PeerTicket = Readonly<v.InferOutput<typeof PeerTicketSchema>>;

export const SessionStartedSchema = v.object({
  self: UserSchema,
  online: v.array(UserSchema),
  peer: PeerTicketSchema,
});
export interface SessionStarted {
  readonly self: User;
  readonly online: readonly User[];
  readonly peer: PeerTicket;
}

const WireErrorSchema = v.object({ code: v.picklist(Object.values(ErrorCode)), message: v.string() });
const resultSchema = <S extends v.GenericSchema>(data: S) =>
  v.variant('ok', [
    v.object({ ok: v.literal(true), data }),
    v.object({ ok: v.literal(false), error: WireErrorSchema }),
  ]);

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
  'room:append': resultSchema(v.object({ roomId: RoomIdSchema, room: v.optional(RoomSchema) })),
  'room:invitee': resultSchema(v.object({ userId: UserIdSchema })),
  'room:peek': resultSchema(RoomSchema),
  'room:list': resultSchema(RoomListSchema),
} as const;

/** Validates each push on the client. */
export const pushSchemas = {
  'presence:online': UserSchema,
  'presence:offline': v.object({ userId: UserIdSchema }),
  'mail:new': MailItemSchema,
  'room:updated': RoomSchema,
  'room:removed': v.object({ roomId: RoomIdSchema }),
  'prekeys:low': PrekeysLowSchema,
} as const;
export type PushEvent = keyof typeof pushSchemas;

export interface ResponseMap {
  'session:challenge': Challenge;
  'session:start': SessionStarted;
  'peer:ticket': PeerTicket;
  'prekeys:publish': PrekeysPublished;
  'prekeys:claim': PrekeyBundle;
  'mail:send': MailAccepted;
  'mail:fetch': MailBatch;
  'mail:ack': { readonly deleted: number };
  'ice:servers': IceServers;
  'room:create': Room;
  /** The room after the entry; none once it has ended (the last member left). */
  'room:append': { readonly roomId: string; readonly room?: Room };
  'room:invitee': { readonly userId: UserId };
  'room:peek': Room;
  'room:list': { readonly rooms: readonly Room[] };
}

export type Ack<E extends RequestEvent> = (result: Result<ResponseMap[E]>) => void;

export type ClientToServerEvents = {
  [E in RequestEvent]: (payload: RequestPayload<E>, ack: Ack<E>) => void;
};

export interface ServerToClientEvents {
  'presence:online': (user: User) => void;
  'presence:offline': (user: { readonly userId: UserId }) => void;
  /** A message arrived in the user's mailbox while they are online: store it, then `mail:ack`. */
  'mail:new': (item: MailItem) => void;
  /** A room the user belongs to, or is invited to, changed (or is new to them). */
  'room:updated': (room: Room) => void;
  /** The user is no longer in this room (they left, from another device, or were never let in). */
  'room:removed': (room: { readonly roomId: string }) => void;
  /** A claim left the user fewer than ONE_TIME_PREKEYS_LOW_WATER one-time prekeys on the server: publish more. */
  'prekeys:low': (low: PrekeysLow) => void;
  /** A request the server could not even answer (no acknowledgement, unknown event). */
  'protocol:error': (error: WireError & { readonly event: string }) => void;
}

/** Where the PeerJS signaling endpoint is mounted; the PeerJS client appends `peerjs?key=…`. */
export const PEERJS_PATH = '/peerjs';
/** The PeerJS API key. We have one deployment per server, so the key is fixed; tickets do the authentication. */
export const PEERJS_KEY = 'peerjs';
