/**
 * Rooms: a membership log of signed entries the server keeps and hands out, so that members can find each other.
 * Every change (create, invite, invite code, join, leave) is signed by the member who made it and checked by
 * every client (shared/crypto/room-log.ts): a member list the server made up is not believed. Room messages
 * never pass through the room on the server: each is end-to-end encrypted to each member the log proves, on
 * their pairwise session (see README, Rooms), and travels like any message (directly, or through the mailbox).
 */
import * as v from 'valibot';
import { SIGNATURE_LENGTH, SIGNING_KEY_LENGTH, bytesSchema } from '../crypto/key-encoding';
import { UserIdSchema } from '../ids';
import {
  MAX_ROOM_BROWSE_OFFSET,
  MAX_ROOM_LOG_ENTRIES,
  MAX_ROOM_MEMBERS,
  MAX_ROOM_QUERY_LENGTH,
  MAX_TIMESTAMP_MS,
  ROOM_BROWSE_PAGE,
} from '../limits';
import { DisplayNameSchema, WireNameSchema, nameKey } from '../names';
import { RoomIdSchema } from '../ids';

export const ROOM_ENTRY_HASH_LENGTH = 32; // bytes, of SHA-512
/** Longest a log can get: MAX_ROOM_LOG_ENTRIES, then one leave per member or invitee (see limits.ts). */
export const MAX_ROOM_LOG_LENGTH = MAX_ROOM_LOG_ENTRIES + MAX_ROOM_MEMBERS;

/**
 * What an entry does. `subject` is, by op: create, the room's name; invite, the invitee's user id; code, the
 * public key of an invite code; join, `invite` (accepting an invitation) or the public key of the code used;
 * leave (or declining an invitation), empty.
 */
export const RoomOpSchema = v.picklist(['create', 'invite', 'code', 'join', 'leave']);
export type RoomOp = v.InferOutput<typeof RoomOpSchema>;

export const RoomEntrySchema = v.strictObject({
  op: RoomOpSchema,
  subject: v.pipe(v.string(), v.maxLength(64, 'is longer than any subject')),
  /** The actor's clock when they made the change, ms since epoch (shown in the timeline, never trusted). */
  at: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_TIMESTAMP_MS)),
  /** The actor's Ed25519 public key; their user id derives from it. */
  actor: bytesSchema(SIGNING_KEY_LENGTH),
  /** The hash of the entry before it (roomEntryHash); empty for `create`. */
  prev: v.union([v.literal(''), bytesSchema(ROOM_ENTRY_HASH_LENGTH)]),
  signature: bytesSchema(SIGNATURE_LENGTH),
  /** A join with a code: the code's key signs the same statement, proving the joiner holds the code. */
  codeSignature: v.optional(bytesSchema(SIGNATURE_LENGTH)),
});
export type RoomEntry = v.InferOutput<typeof RoomEntrySchema>;

// Rooms as the server hands them out are typed by their schemas; they end in v.readonly() (see socket.ts).
const roomMemberEntries = { userId: UserIdSchema, name: WireNameSchema };
export const RoomMemberSchema = v.pipe(v.object(roomMemberEntries), v.readonly());
export type RoomMember = v.InferOutput<typeof RoomMemberSchema>;
export const RoomInviteeSchema = v.pipe(
  v.object({
    ...roomMemberEntries,
    /** Who invited them. */
    by: UserIdSchema,
  }),
  v.readonly(),
);
export type RoomInvitee = v.InferOutput<typeof RoomInviteeSchema>;

/** Whether `userId` is among `people` (a room's members, or those invited). */
export const isIn = (people: readonly { readonly userId: string }[], userId: string): boolean =>
  people.some((person) => person.userId === userId);

/**
 * A room as the server hands it out: its log, and the people in it with the names the server knows them by
 * (what the server says, derived by the server from the log; clients derive it again and believe only that).
 */
export const RoomSchema = v.pipe(
  v.object({
    roomId: RoomIdSchema,
    members: v.pipe(v.array(RoomMemberSchema), v.maxLength(MAX_ROOM_MEMBERS), v.readonly()),
    /** Invited by a member, not yet joined. */
    invited: v.pipe(v.array(RoomInviteeSchema), v.maxLength(MAX_ROOM_MEMBERS), v.readonly()),
    log: v.pipe(v.array(RoomEntrySchema), v.minLength(1), v.maxLength(MAX_ROOM_LOG_LENGTH), v.readonly()),
    /** Listed publicly on the server (room:listing): anyone there can find it by name and join (README, Public rooms). */
    listed: v.optional(v.boolean()),
  }),
  v.readonly(),
);
export type Room = v.InferOutput<typeof RoomSchema>;

/** Creates a room: the creator's signed `create` entry (the room id is theirs to choose, and it is signed). */
export const RoomCreateSchema = v.strictObject({ roomId: RoomIdSchema, entry: RoomEntrySchema });
/** Adds one signed entry, made by the one who sends it; an invite names the invitee as the inviter knows them. */
export const RoomAppendSchema = v.strictObject({
  roomId: RoomIdSchema,
  entry: RoomEntrySchema,
  name: v.optional(WireNameSchema),
});
/** Who a name belongs to on this server, to invite them (the engine checks the answer against its pins). */
export const RoomInviteeLookupSchema = v.strictObject({ name: WireNameSchema });
/** A room for someone who holds an invite code: its log, if that code (its public key) is live in it. */
export const RoomPeekSchema = v.strictObject({
  roomId: RoomIdSchema,
  code: bytesSchema(SIGNING_KEY_LENGTH),
});
export const RoomListSchema = v.pipe(
  v.object({ rooms: v.pipe(v.array(RoomSchema), v.readonly()) }),
  v.readonly(),
);

/** What a user types to create a room: a display name, trimmed. */
export const RoomNameInputSchema = DisplayNameSchema;

/**
 * An invite as people pass it on: `room:<room id>:<secret>`. The secret (128 bits) never reaches the server:
 * the room log holds only the public key derived from it (see roomCodeKeys).
 */
export const inviteCode = (roomId: string, secret: string): string => `room:${roomId}:${secret}`;

export const InviteCodeSchema = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^room:r[0-9a-f]{32}:[0-9a-f]{32}$/, 'is not an invite code (room:…:…)'),
  v.transform((code) => {
    const [, roomId = '', secret = ''] = code.split(':');
    return { roomId, secret };
  }),
);

/** An invite code's secret: 128 bits as 32 lowercase hex digits. */
export const CodeSecretSchema = v.pipe(
  v.string(),
  v.regex(/^[0-9a-f]{32}$/, 'must be an invite code secret (32 lowercase hex digits)'),
);

/**
 * Lists a room publicly, with the secret of an invite code the lister published in it (the server hands it to
 * whoever joins from the listing), or unlists it (the server forgets the secret and refuses joins with that code).
 */
export const RoomListingSchema = v.variant('listed', [
  v.strictObject({ roomId: RoomIdSchema, listed: v.literal(true), secret: CodeSecretSchema }),
  v.strictObject({ roomId: RoomIdSchema, listed: v.literal(false) }),
]);

/**
 * Browses public rooms, newest listing first, a page at a time; with `query`, only those whose name contains it,
 * compared as names are (nameKey: NFKC, lowercase; white space trimmed and runs made one space).
 */
const RoomBrowseFieldsSchema = v.strictObject({
  query: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(MAX_ROOM_QUERY_LENGTH, `must be at most ${MAX_ROOM_QUERY_LENGTH} characters`),
      v.transform((query) => nameKey(query.trim().replace(/\s+/gu, ' '))),
    ),
  ),
  offset: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(0),
      v.maxValue(MAX_ROOM_BROWSE_OFFSET, 'is too far: search by name'),
    ),
  ),
});

/** An object, not an array: valibot takes `[]` for an object whose keys are all optional. */
export const RoomBrowseSchema = v.pipe(
  v.custom<v.InferInput<typeof RoomBrowseFieldsSchema>>(
    (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
    'must be an object, not an array',
  ),
  RoomBrowseFieldsSchema,
);

/** A public room as anyone who browses sees it: its name and how many members it has, nothing else. */
export const PublicRoomSchema = v.pipe(
  v.object({
    roomId: RoomIdSchema,
    name: WireNameSchema,
    members: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_ROOM_MEMBERS)),
  }),
  v.readonly(),
);
export type PublicRoom = v.InferOutput<typeof PublicRoomSchema>;

export const RoomBrowsedSchema = v.pipe(
  v.object({
    rooms: v.pipe(v.array(PublicRoomSchema), v.maxLength(ROOM_BROWSE_PAGE), v.readonly()),
    /** More rooms follow this page (browse again from offset + ROOM_BROWSE_PAGE). */
    more: v.boolean(),
  }),
  v.readonly(),
);

/** The code of a listed room, to join it exactly as with any invite code. */
export const RoomListedCodeSchema = v.strictObject({ roomId: RoomIdSchema });
export const RoomListedCodeAnswerSchema = v.pipe(
  v.object({ roomId: RoomIdSchema, secret: CodeSecretSchema }),
  v.readonly(),
);
