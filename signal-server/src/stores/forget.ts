/**
 * What the server does, across its stores, when a name is released (by its key, or after a long inactivity) and
 * when an account is deleted. Each step is idempotent: a deletion cut short by a failure is finished by the next.
 */
import type { UserId } from '../../../shared/ids';
import { NAME_INACTIVITY_RELEASE_MS } from '../../../shared/limits';
import type { Stores } from '.';
import type { RoomChange, RoomStore, StoredRoom } from './rooms';

/** The name a room shows for someone the server knows no name for (as the room handlers name them too). */
export const NO_NAME = 'unknown';

/** Inactive names released per store call: each call is one transaction or script, so others get a turn. */
const RELEASE_BATCH = 500;

/** A room a forgotten user was in: as it was, and as it is now (undefined once it ended). */
export interface RoomChanged {
  readonly before: StoredRoom;
  readonly after: StoredRoom | undefined;
}

/**
 * The room without the user: not a member, not invited, the invitations, invite codes and listing they made
 * lapsed; null (the room ends) once no member is left, undefined if the room did not mention them.
 */
export function withoutUser(room: StoredRoom, userId: UserId): StoredRoom | null | undefined {
  const members = room.members.filter((member) => member.userId !== userId);
  const invited = room.invited.filter((invitee) => invitee.userId !== userId && invitee.by !== userId);
  const codes = room.checked?.codes.filter(([, by]) => by !== userId);
  // A listing rides on a code of its lister's: it lapses with their codes.
  const { listing, ...rest } = room;
  const listed = listing?.by === userId ? undefined : listing;
  const same =
    members.length === room.members.length &&
    invited.length === room.invited.length &&
    codes?.length === room.checked?.codes.length &&
    listed === listing;
  if (same) return undefined;
  if (members.length === 0) return null;
  return {
    ...rest,
    members,
    invited,
    ...(room.checked && codes ? { checked: { ...room.checked, codes } } : {}),
    ...(listed ? { listing: listed } : {}),
  };
}

/** The room with the user's name forgotten (they show as NO_NAME); undefined if it did not name them. */
export function withoutName(room: StoredRoom, userId: UserId): StoredRoom | undefined {
  const unnamed = <P extends { readonly userId: string; readonly name: string }>(person: P): P =>
    person.userId === userId ? { ...person, name: NO_NAME } : person;
  const named = [...room.members, ...room.invited].some(
    (person) => person.userId === userId && person.name !== NO_NAME,
  );
  return named
    ? { ...room, members: room.members.map(unnamed), invited: room.invited.map(unnamed) }
    : undefined;
}

/** Applies `change` to each room that mentions the user among its people; resolves the rooms it changed. */
async function changeRoomsOf(rooms: RoomStore, userId: UserId, change: RoomChange): Promise<RoomChanged[]> {
  const concerned = new Map<string, StoredRoom>();
  for (const room of [...(await rooms.listFor(userId)), ...(await rooms.listInvitedBy(userId))])
    concerned.set(room.roomId, room);
  const changed: RoomChanged[] = [];
  for (const roomId of concerned.keys()) {
    let before: StoredRoom | undefined;
    const after = await rooms.update(roomId, (current) => {
      before = current;
      return change(current);
    });
    // update() hands back the room it read when the change left it as it was.
    if (before && after !== before) changed.push({ before, after });
  }
  return changed;
}

/**
 * Frees the user's name for anyone; their key keeps everything else (first seen, prekeys, mail, rooms), and the
 * rooms they are in no longer name them. Resolves whether they held a name.
 */
export async function releaseName(stores: Stores, userId: UserId): Promise<boolean> {
  const released = await stores.accounts.releaseName(userId);
  await changeRoomsOf(stores.rooms, userId, (room) => withoutName(room, userId));
  return released;
}

/**
 * Forgets everything the stores hold for the user: name and key (first, so that no new mail, invitation or
 * claim finds them meanwhile), their place in rooms (a room left without members ends), mail for them and from
 * them, prekeys and the claims counted for them, the blocks they made and those of them, their sealed profile. Presence (and the
 * tokens they presented) goes with the session (the caller ends it). Resolves the rooms that changed, for the
 * caller to tell their people.
 */
export async function forgetUser(stores: Stores, userId: UserId): Promise<RoomChanged[]> {
  await stores.accounts.forget(userId);
  const rooms = await changeRoomsOf(stores.rooms, userId, (room) => withoutUser(room, userId));
  await stores.rooms.dropIndexOf(userId);
  await stores.mailbox.forget(userId);
  await stores.prekeys.forget(userId);
  await stores.blocks.forget(userId);
  await stores.profiles.forget(userId);
  return rooms;
}

/**
 * Releases the names of keys that have not signed in for NAME_INACTIVITY_RELEASE_MS before `now` (the server
 * runs it on a timer; tests give it their own clock). Resolves how many were released.
 */
export async function releaseInactiveNames(stores: Stores, now: number): Promise<number> {
  let released = 0;
  for (;;) {
    const users = await stores.accounts.releaseInactive(now - NAME_INACTIVITY_RELEASE_MS, RELEASE_BATCH);
    for (const userId of users)
      await changeRoomsOf(stores.rooms, userId, (room) => withoutName(room, userId));
    released += users.length;
    if (users.length < RELEASE_BATCH) return released;
  }
}
