import type { UserId } from '../../../shared/ids';
import type { Room } from '../../../shared/protocol/rooms';

/** A room as the server keeps it: the same as it hands it out (the log, and the people it proves, named). */
export type StoredRoom = Room;

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
}

/** Everyone a room concerns: its members and those invited. */
export const peopleOf = (room: Room): UserId[] =>
  [...room.members, ...room.invited].map((person) => person.userId);
