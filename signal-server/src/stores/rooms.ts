import type { UserId } from '../../../shared/ids';
import type { Room } from '../../../shared/protocol/rooms';

/** A room as the server keeps it: the invite token is always there (members are shown it). */
export type StoredRoom = Room & { readonly inviteToken: string };

/** What a change does: the room's next state, `null` to delete it, or `undefined` to leave it as it is. */
export type RoomChange = (room: StoredRoom) => StoredRoom | null | undefined;

/**
 * Rooms: names and member lists, never messages. Changes are atomic (compare-and-set), so two members acting
 * at once on two processes cannot lose each other's change.
 */
export interface RoomStore {
  create(room: StoredRoom): Promise<void>;
  get(roomId: string): Promise<StoredRoom | undefined>;
  /** Applies `change` to the current state; resolves the state after it (undefined once deleted or unknown). */
  update(roomId: string, change: RoomChange): Promise<StoredRoom | undefined>;
  /** Rooms the user is a member of or invited to. */
  listFor(userId: UserId): Promise<StoredRoom[]>;
}

/** Everyone a room concerns: its members and those invited. */
export const peopleOf = (room: Room): UserId[] =>
  [...room.members, ...room.invited].map((person) => person.userId);
