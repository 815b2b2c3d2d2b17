import * as v from 'valibot';
import { SIGNING_KEY_LENGTH, bytesSchema } from '../../../shared/crypto/identity';
import { UserIdSchema, type UserId } from '../../../shared/ids';
import {
  CodeSecretSchema,
  MAX_ROOM_LOG_LENGTH,
  ROOM_ENTRY_HASH_LENGTH,
  RoomSchema,
  type PublicRoom,
  type Room,
} from '../../../shared/protocol/rooms';
import { WireNameSchema } from '../../../shared/names';

/**
 * What the server keeps beside a room's log, derived from it when each entry was checked, so that a request
 * checks one new entry against it instead of re-reading (re-hashing) the whole log: the room's name, its live
 * invite codes (public key and who published it) and the hash of each entry (the last is the head). Members and
 * invitees are the room's own `members` and `invited`.
 */
export const CheckedRoomSchema = v.pipe(
  v.object({
    name: WireNameSchema,
    codes: v.pipe(
      v.array(v.tuple([bytesSchema(SIGNING_KEY_LENGTH), UserIdSchema])),
      v.maxLength(MAX_ROOM_LOG_LENGTH),
      v.readonly(),
    ),
    hashes: v.pipe(
      v.array(bytesSchema(ROOM_ENTRY_HASH_LENGTH)),
      v.maxLength(MAX_ROOM_LOG_LENGTH),
      v.readonly(),
    ),
  }),
  v.readonly(),
);
export type CheckedRoom = v.InferOutput<typeof CheckedRoomSchema>;

/**
 * A room's public listing (README, Public rooms): the invite code it rides on (public key, and the secret the
 * server hands to whoever joins from the listing), who listed it and when (ms since epoch). It lives as long as
 * that code does: the lister unlisting it (or leaving) ends it.
 */
export const StoredListingSchema = v.pipe(
  v.object({
    code: bytesSchema(SIGNING_KEY_LENGTH),
    secret: CodeSecretSchema,
    by: UserIdSchema,
    at: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  v.readonly(),
);
export type StoredListing = v.InferOutput<typeof StoredListingSchema>;

/**
 * A room as the server keeps it: as it hands it out (the log, and the people it proves, named), and what its
 * checked log proves (absent for rooms stored before it was kept: the handlers derive it once from the log); its
 * public listing, if any, and the codes of listings withdrawn (the server refuses joins with them).
 */
export const StoredRoomSchema = v.pipe(
  v.object({
    ...RoomSchema.pipe[0].entries,
    checked: v.optional(CheckedRoomSchema),
    listing: v.optional(StoredListingSchema),
    withdrawn: v.optional(
      v.pipe(v.array(bytesSchema(SIGNING_KEY_LENGTH)), v.maxLength(MAX_ROOM_LOG_LENGTH), v.readonly()),
    ),
  }),
  v.readonly(),
);
export type StoredRoom = v.InferOutput<typeof StoredRoomSchema>;

/** The room as clients get it: what the server keeps for itself left out (a listing shows only as `listed`). */
export const publicRoom = (room: StoredRoom): Room => ({
  roomId: room.roomId,
  members: room.members,
  invited: room.invited,
  log: room.log,
  ...(room.listing ? { listed: true } : {}),
});

/**
 * The next state of a room keeps what the server holds beside its log: the codes withdrawn, and the listing while
 * the code it rides on is live (a code dies with its publisher's leave: the listing goes with it).
 */
export function keepListing(before: StoredRoom, after: StoredRoom): StoredRoom {
  const { listing, withdrawn } = before;
  const live = listing && after.checked?.codes.some(([code]) => code === listing.code);
  return { ...after, ...(live ? { listing } : {}), ...(withdrawn ? { withdrawn } : {}) };
}

/** Whether the server refuses joins with this code: a listing of the room rode on it, and was withdrawn. */
export const withdrawnCode = (room: StoredRoom, code: string): boolean =>
  room.withdrawn?.includes(code) ?? false;

/** What anyone who browses sees of a listed room: its name and its member count. */
export const listedRoom = (room: StoredRoom): PublicRoom | undefined =>
  room.listing && room.checked
    ? { roomId: room.roomId, name: room.checked.name, members: room.members.length }
    : undefined;

/** Which public rooms to browse: those whose name (as nameKey) contains `text`, if given; newest listing first. */
export interface RoomSearch {
  readonly text?: string;
  readonly offset: number;
  readonly limit: number;
}

/** What a change does: the room's next state, `null` to delete it, or `undefined` to leave it as it is. */
export type RoomChange = (room: StoredRoom) => StoredRoom | null | undefined;

/** Where a user stands in rooms: memberships and invitations are counted apart (one cannot fill the other). */
export interface RoomCounts {
  readonly memberOf: number;
  readonly invitedTo: number;
}

/**
 * Rooms: membership logs and the people they prove, never messages. Changes are atomic (compare-and-set), so two
 * members acting at once on two processes cannot lose each other's change.
 */
export interface RoomStore {
  /** Stores a new room; false if a room already has that id. */
  create(room: StoredRoom): Promise<boolean>;
  get(roomId: string): Promise<StoredRoom | undefined>;
  /** Applies `change` to the current state; resolves the state after it (undefined once deleted or unknown). */
  update(roomId: string, change: RoomChange): Promise<StoredRoom | undefined>;
  /** Rooms the user is a member of or invited to. */
  listFor(userId: UserId): Promise<StoredRoom[]>;
  counts(userId: UserId): Promise<RoomCounts>;
  /** Invitations this user made that still wait, over all rooms. */
  invitationsBy(userId: UserId): Promise<number>;
  /** Rooms where invitations this user made still wait. */
  listInvitedBy(userId: UserId): Promise<StoredRoom[]>;
  /**
   * Drops what indexes rooms by this user (memberships, invitations, invitations made): for a user every room has
   * already left out, so only entries a change left behind can remain.
   */
  dropIndexOf(userId: UserId): Promise<void>;
  /** Listed rooms, newest listing first (only what listedRoom shows); `more` if others follow the page. */
  browse(search: RoomSearch): Promise<{ rooms: PublicRoom[]; more: boolean }>;
  /** Rooms listed now by this user. */
  listedBy(userId: UserId): Promise<number>;
  /**
   * Counts one listing by the user in the window of `windowMs` that holds `now` (windows start at multiples of it);
   * resolves the listings counted in that window, this one included. dropIndexOf forgets the counts too.
   */
  countListing(userId: UserId, now: number, windowMs: number): Promise<number>;
}

/** Everyone a room concerns: its members and those invited. */
export const peopleOf = (room: Room): UserId[] =>
  [...room.members, ...room.invited].map((person) => person.userId);
